from typing import Any

from django import forms
from django.http import HttpRequest

from accounts.models import Membership, User
from accounts.services import join_program


class SignupForm(forms.Form):
    """Extra sign-up fields for allauth: name and the role the person comes for."""

    ROLE_CHOICES = [
        (Membership.Role.MENTEE, "I'm looking for a mentor (student, resident or fellow)"),
        (Membership.Role.MENTOR, "I want to mentor (physician or health professional)"),
    ]

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    role = forms.ChoiceField(choices=ROLE_CHOICES, widget=forms.RadioSelect, label="I am joining as")

    field_order = ["first_name", "last_name", "email", "role", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User, **kwargs: Any) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        join_program(user=user, role=self.cleaned_data["role"])
