"""Sign-in forms: password, one-time code, enrolment, setting a password, signing out."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp


class LoginForm(FlaskForm):
    """Email address and password."""

    email = EmailField(
        "Email address", validators=[DataRequired("Please enter your email address."), Length(max=254)]
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Please enter your password."), Length(max=1024)]
    )


class CodeForm(FlaskForm):
    """The six-digit code from the authenticator app."""

    code = StringField(
        "Six-digit code from your authenticator app",
        validators=[
            DataRequired("Please enter the code."),
            Regexp(r"^\s*(\d\s*){6}$", message="The code is six digits, like 123 456."),
        ],
    )


class SetPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        "New password", validators=[DataRequired("Please choose a password."), Length(max=1024)]
    )
    confirm = PasswordField(
        "Type it again",
        validators=[
            DataRequired("Please type the password again."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
    )


class ConfirmForm(FlaskForm):
    """A button and its CSRF token (signing out)."""
