"""Flask-WTF forms: the shape of what is posted; rules live in the services."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from audit.i18n import _l
from audit.labels import ROLE_LABELS


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class ChecklistUploadForm(FlaskForm):
    file = FileField(
        _l("Checklist file (TOML)"),
        validators=[FileRequired(), FileAllowed(["toml"], _l("Choose a .toml file."))],
    )
    submit = SubmitField(_l("Check the file"))


class ChecklistApplyForm(FlaskForm):
    """Carries the checked file back for applying; it is checked again before it is applied."""

    file_name = HiddenField(validators=[DataRequired()])
    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Apply these changes"))


class UserForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(
        _l("Password (at least 12 characters)"), validators=[DataRequired(), Length(min=12)]
    )
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    office = SelectField(_l("Office (committee members only)"), validators=[Optional()])
    submit = SubmitField(_l("Create user"))
