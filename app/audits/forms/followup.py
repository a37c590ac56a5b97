"""After an audit: a learning point made an action of the plan."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms import SubmittedOnce, chosen_id


class PromoteForm(SubmittedOnce):
    area_id = SelectField("Area of the plan", coerce=chosen_id, widget=GovSelect())
    number = StringField("Action number", widget=GovTextInput(), description="For example, 1.17",
                         validators=[InputRequired("Enter the action number"), Length(max=20)])
    what = TextAreaField("What we are doing", widget=GovTextArea(), validators=[InputRequired("Enter what the action is")])
    submit = SubmitField("Add to the plan", widget=GovSubmitInput())
