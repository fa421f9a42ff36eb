"""The survey and indicators through the API: fractions with intervals; missing is not zero."""

import pytest
from scipy.stats import binomtest


@pytest.fixture
def token(runner):
    def issue(username: str = "head") -> str:
        return runner.invoke(args=["users", "token", username]).output.strip()

    return issue


def get(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("year", ["2021", "R3", "令和3年度"])
def test_a_years_results_per_office(client, token, year):
    response = get(client, f"/api/v1/surveys?year={year}", token())
    assert response.status_code == 200
    body = response.get_json()
    assert (body["fiscal_year"], body["target"], body["tolerance"]) == (2021, 0.98, 0.025)
    offices = {o["office"]: o for o in body["offices"]}
    assert len(offices) == 13
    kawasaki = offices["kawasaki"]
    assert kawasaki["conducted"] is True
    assert kawasaki["answers"] == kawasaki["yes"] + kawasaki["neutral"] + kawasaki["no"]
    satisfied = kawasaki["yes"] + kawasaki["neutral"]
    reference = binomtest(satisfied, kawasaki["answers"]).proportion_ci(method="wilson")
    assert kawasaki["satisfaction"] == pytest.approx(satisfied / kawasaki["answers"])
    assert kawasaki["satisfaction_low"] == pytest.approx(reference.low)
    assert kawasaki["satisfaction_high"] == pytest.approx(reference.high)
    assert kawasaki["top_box"] == pytest.approx(kawasaki["yes"] / kawasaki["answers"])
    assert kawasaki["top_box_low"] < kawasaki["top_box"] < kawasaki["top_box_high"]
    assert kawasaki["status"] == "met"
    assert offices["daishi"]["status"] == "consistent"
    assert round(body["citywide"]["satisfaction"], 3) == 0.994  # the published 99.4%


def test_a_year_not_conducted_has_no_figures_at_all(client, token):
    body = get(client, "/api/v1/surveys?year=R2", token()).get_json()
    for office in body["offices"]:
        assert office["conducted"] is False
        assert "新型コロナウイルス" in office["note"]
        assert "satisfaction" not in office
    assert body["citywide"]["conducted"] is False


def test_an_office_without_a_result_is_null_not_zero(client, token):
    body = get(client, "/api/v1/surveys?year=2012", token()).get_json()
    assert {o["conducted"] for o in body["offices"]} == {None}
    assert body["citywide"] == {
        "office": "citywide",
        "fiscal_year": 2012,
        "conducted": None,
        "note": None,
    }


def test_the_latest_year_by_default(client, token):
    body = get(client, "/api/v1/surveys", token()).get_json()
    assert body["fiscal_year"] >= 2021
    assert len(body["offices"]) == 13


def test_a_committee_member_gets_their_wards_offices_and_the_citys_figure(client, token):
    body = get(client, "/api/v1/surveys?year=2021", token("kawasaki")).get_json()
    assert [o["office"] for o in body["offices"]] == ["kawasaki", "daishi", "tajima"]
    assert body["citywide"]["answers"] > 2000


def test_a_bad_year_is_422(client, token):
    response = get(client, "/api/v1/surveys?year=someday", token())
    assert response.status_code == 422
    assert response.get_json()["error"]


def test_without_a_token_401(client):
    assert client.get("/api/v1/surveys").status_code == 401
    assert client.get("/api/v1/indicators").status_code == 401


def test_indicators(client, token):
    response = get(client, "/api/v1/indicators", token("kawasaki"))
    assert response.status_code == 200
    indicators = {i["code"]: i for i in response.get_json()}
    assert list(indicators) == ["satisfaction", "mynumber"]
    mynumber = indicators["mynumber"]
    assert mynumber["unit"] == "%"
    assert mynumber["direction"] == "higher"
    assert [(p["phase"], p["fiscal_year"], p["target"]) for p in mynumber["phase_targets"]] == [
        (1, 2017, 7.0),
        (2, 2021, 20.0),
        (3, 2025, 85.0),
    ]
    years = {y["fiscal_year"]: y for y in mynumber["years"]}
    assert [(years[y]["target"], years[y]["actual"]) for y in (2018, 2019, 2020, 2021)] == [
        (14.0, 16.5),
        (16.0, 19.7),
        (18.0, 30.9),
        (20.0, 48.0),
    ]
    assert {years[y]["status"] for y in (2018, 2019, 2020, 2021)} == {"achieved"}
    covid = {y["fiscal_year"]: y for y in indicators["satisfaction"]["years"]}[2020]
    assert (covid["actual"], covid["status"]) == (None, "not_measured")
