from audit import create_app

app = create_app()
