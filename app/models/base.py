"""What the models share: how a choice (an enum) is stored and shown, and the version that refuses stale saves."""

import enum

from sqlalchemy import Enum, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class LabelledEnum(enum.StrEnum):
    """A choice stored as its value and shown as its label.

    Declare a member as `VALUE = "value", "Label"`; a member declared with its value alone is labelled with the value
    in words (`"in_progress"` → "In progress").
    """

    label: str

    def __new__(cls, value: str, label: str | None = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ").capitalize()
        return member


def enum_type(enum_class: type[enum.Enum], name: str) -> Enum:
    """Stored as its value in a VARCHAR with a named CHECK constraint; read back as the enum member."""
    return Enum(enum_class, name=name, native_enum=False, create_constraint=True, validate_strings=True,
                length=max(len(member.value) for member in enum_class) + 10,
                values_callable=lambda members: [member.value for member in members])


class Versioned:
    """Optimistic locking: every UPDATE adds 1 to `version` and only succeeds if the row still has the version that
    was read, so a save made from a stale page fails (StaleDataError, which @transaction turns into a conflict)."""

    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 (a declared_attr is given the class)
        return {"version_id_col": cls.__table__.c.version}
