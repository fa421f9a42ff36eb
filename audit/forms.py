"""Flask-WTF forms: the shape of what is posted; rules live in the services."""

from typing import Any

import wtforms
from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from audit.domain.text import refused_characters
from audit.domain.users import EMAIL_PATTERN
from audit.i18n import _l
from audit.labels import ACTION_STATUS_LABELS, DECISION_LABELS, RATING_LABELS, ROLE_LABELS
from audit.models import AuditKind


def storable_text(_form: wtforms.Form, field: wtforms.Field) -> None:
    """Refuse characters that cannot be stored or seen; see :mod:`audit.domain.text`."""
    found = refused_characters(field.data) if isinstance(field.data, str) else []
    if found:
        raise ValidationError(
            gettext(
                "Remove the invisible characters (%(characters)s) from this field.",
                characters=", ".join(found),
            )
        )


class TextMeta:
    """Every field people type into refuses what :func:`storable_text` refuses."""

    def bind_field(self, form: wtforms.Form, unbound_field: Any, options: dict[str, Any]) -> Any:
        field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
        if isinstance(field, StringField) and not isinstance(field, HiddenField):
            # a new list: the one passed in is shared by every form of the class
            field.validators = [*field.validators, storable_text]
        return field


class Form(FlaskForm):
    """A form with CSRF protection whose text fields refuse invisible characters."""

    class Meta(TextMeta):
        pass


class SubForm(wtforms.Form):
    """A form nested in a page's form (no CSRF token of its own), with the same text rule."""

    class Meta(TextMeta):
        pass


class LoginForm(Form):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class PasswordForm(Form):
    """Change one's own password: the current one, and the new one twice."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password (at least 12 characters)"),
        validators=[DataRequired(), Length(min=12)],
        render_kw={"autocomplete": "new-password"},
    )
    new_password_again = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change the password"))


class LanguageForm(Form):
    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class ChecklistUploadForm(Form):
    file = FileField(
        _l("Checklist file (TOML)"),
        validators=[FileRequired(), FileAllowed(["toml"], _l("Choose a .toml file."))],
    )
    submit = SubmitField(_l("Check the file"))


class ChecklistApplyForm(Form):
    """Carries the checked file back for applying; it is checked again before it is applied."""

    file_name = HiddenField(validators=[DataRequired()])
    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Apply these changes"))


class PersonForm(Form):
    """Who a user is and where they work (the administrator's user page)."""

    name = StringField(_l("Name (氏名)"), validators=[Length(max=100)])
    title = StringField(_l("Job title (職名)"), validators=[Length(max=100)])
    section = StringField(_l("Section (所属)"), validators=[Length(max=100)])
    email = StringField(
        _l("E-mail"),
        validators=[
            Optional(),
            Regexp(
                EMAIL_PATTERN, message=_l("Write an e-mail address, e.g. name@city.example.jp.")
            ),
            Length(max=254),
        ],
        render_kw={"type": "email"},
    )
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    ward = SelectField(
        _l("Ward (committee members; division heads of a ward)"), validators=[Optional()]
    )
    member_from = DateField(_l("Member from"), validators=[Optional()])
    member_until = DateField(_l("Member until"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class UserForm(PersonForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(
        _l("One-time password (at least 12 characters; changed at the first log-in)"),
        validators=[DataRequired(), Length(min=12)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create user"))


class OneTimePasswordForm(Form):
    password = PasswordField(
        _l("One-time password (at least 12 characters)"),
        validators=[DataRequired(), Length(min=12)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set the one-time password"))


class ConfirmForm(Form):
    """A button that changes something, with its CSRF token."""

    submit = SubmitField(_l("Confirm"))


class UserImportForm(Form):
    file = FileField(
        _l("User list (CSV)"),
        validators=[FileRequired(), FileAllowed(["csv"], _l("Choose a .csv file."))],
    )
    submit = SubmitField(_l("Check the file"))


class UserImportApplyForm(Form):
    """Carries the checked list back for applying; it is checked again before it is applied."""

    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Apply these changes"))


class ResponseForm(SubForm):
    """One standard in the scoring form; its fields are prefixed with the standard's code."""

    rating = RadioField(
        _l("Rating"),
        choices=[SelectChoice(r.value, label) for r, label in RATING_LABELS.items()],
        validators=[Optional()],
        # Optional() lets blank text through unchecked: make it no rating, not a bad one
        filters=[lambda value: value.strip() or None if isinstance(value, str) else value],
    )
    successes = IntegerField(_l("Successes"), validators=[Optional(), NumberRange(min=0)])
    trials = IntegerField(_l("Observations"), validators=[Optional(), NumberRange(min=0)])
    evidence = TextAreaField(_l("Evidence"), validators=[Length(max=20000)])
    na_reason = StringField(_l("Why it does not apply"), validators=[Length(max=2000)])
    version = HiddenField()
    #: a fingerprint of the values the form was shown with, to tell what the person changed
    loaded = HiddenField()
    action_what = StringField(_l("Improvement action: what"), validators=[Length(max=2000)])
    action_owner = StringField(_l("Who"), validators=[Length(max=200)])
    action_due = DateField(_l("By when"), validators=[Optional()])


class AuditCreateForm(Form):
    office = SelectField(_l("Office"))
    fiscal_year = IntegerField(
        _l("Fiscal year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)]
    )
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(AuditKind.SELF.value, _l("Self-audit")),
            SelectChoice(AuditKind.EXTERNAL.value, _l("External evaluation")),
        ],
    )
    from_previous = BooleanField(
        _l("Start from last year's audit (evidence carried over)"), default=True
    )
    submit = SubmitField(_l("Create the audit"))


class CommentForm(Form):
    """Return (with a comment) or reopen (with a reason); plain buttons use EmptyForm."""

    comment = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=4000)])


class EmptyForm(Form):
    """A button that changes state: only the CSRF token."""


class ActionStatusForm(Form):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, label) for s, label in ACTION_STATUS_LABELS.items()],
    )


class DecisionForm(Form):
    """The meeting's decision on one proposal."""

    outcome = RadioField(
        _l("Decision"),
        validators=[DataRequired()],
        choices=[SelectChoice(o.value, label) for o, label in DECISION_LABELS.items()],
    )
    rationale = TextAreaField(
        _l("Rationale (required to defer or reject)"), validators=[Length(max=4000)]
    )
    meeting_date = DateField(_l("Meeting date"), validators=[DataRequired()])
    submit = SubmitField(_l("Record the decision"))


class PracticeForm(Form):
    """A good practice (取組事例) an office shares."""

    standard = SelectField(_l("Standard"))
    what = TextAreaField(_l("What the office does"), validators=[DataRequired(), Length(max=4000)])
    since = DateField(_l("Since when"), validators=[DataRequired()])
    effect = TextAreaField(_l("Effect"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Share the practice"))


class CsvUploadForm(Form):
    """A CSV file to check before it is applied; results already recorded stay unless replaced."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
    )
    replace = BooleanField(_l("Replace results already recorded for the same office and year"))
    submit = SubmitField(_l("Check the file"))


class CsvApplyForm(Form):
    """Carries a checked CSV file back for applying; it is checked again before it is applied."""

    file_name = HiddenField(validators=[DataRequired()])
    content = HiddenField(validators=[DataRequired()])
    replace = HiddenField()
    submit = SubmitField(_l("Apply the file"))


class SurveyResultForm(Form):
    """One office's survey in one year; the rules (all three counts or none) are the domain's."""

    office = SelectField(_l("Office"))
    fiscal_year = StringField(
        _l("Fiscal year"), validators=[DataRequired(), Length(max=16)], default=""
    )
    yes = StringField(_l("Yes (はい)"), validators=[Length(max=16)])
    neutral = StringField(_l("Neither (どちらでもない)"), validators=[Length(max=16)])
    no = StringField(_l("No (いいえ)"), validators=[Length(max=16)])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    replace = BooleanField(_l("Replace the result already recorded"))
    submit = SubmitField(_l("Save the result"))


class IndicatorForm(Form):
    """An outcome indicator's definition and its targets by plan phase."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name_ja = StringField(_l("Name (Japanese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    unit = StringField(_l("Unit"), validators=[Length(max=16)])
    direction = SelectField(_l("Which way is better"))
    places = IntegerField(
        _l("Decimal places shown"), validators=[NumberRange(min=0, max=3)], default=1
    )
    definition_ja = TextAreaField(_l("How it is calculated (Japanese)"))
    definition_en = TextAreaField(_l("How it is calculated (English)"))
    phase_1 = StringField(_l("Target of phase 1"), validators=[Length(max=32)])
    phase_2 = StringField(_l("Target of phase 2"), validators=[Length(max=32)])
    phase_3 = StringField(_l("Target of phase 3"), validators=[Length(max=32)])
    submit = SubmitField(_l("Save the indicator"))


class IndicatorYearForm(Form):
    """One year of an indicator: its target and actual; a note without an actual: not measured."""

    fiscal_year = StringField(_l("Fiscal year"), validators=[DataRequired(), Length(max=16)])
    target = StringField(_l("Target for the year"), validators=[Length(max=32)])
    actual = StringField(_l("Actual"), validators=[Length(max=32)])
    note = StringField(_l("Note"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save the year"))
