"""Recording changes: every field a person changes is kept as who, when, field, old → new; and reading them back."""

from datetime import date, datetime
from enum import Enum

from sqlalchemy import and_, inspect, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from app.extensions import db
from app.models import ChangeRecord, Person, Team
from app.services.errors import ConflictError


def as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Person | Team):
        return value.name
    if isinstance(value, list):
        return ", ".join(as_text(item) or "" for item in value)
    return str(value)


def change(entity, values: dict, *, actor: Person | None, now: datetime, action_id: int | None) -> list[str]:
    """Set each attribute that differs and record it. Returns the names of the fields that changed."""
    changed = []
    for name, new in values.items():
        old = getattr(entity, name)
        if as_text(old) == as_text(new):
            continue
        record(entity, name, as_text(old), as_text(new), actor=actor, now=now, action_id=action_id)
        setattr(entity, name, new)
        changed.append(name)
    if changed and hasattr(entity, "version"):
        touch(entity)
    return changed


def touch(entity) -> None:
    """Make the row itself part of the save, so its version moves on even when only linked rows changed
    (leads, recommendations, months): a form opened before this save is then refused, not applied over it."""
    mapper = inspect(entity).mapper
    column = next(attr.key for attr in mapper.column_attrs
                  if not attr.columns[0].primary_key and attr.columns[0] is not mapper.version_id_col)
    flag_modified(entity, column)


def record(entity, field_name: str, old: str | None, new: str | None, *, actor, now, action_id) -> None:
    if entity.id is None:
        db.session.flush()
    db.session.add(
        ChangeRecord(
            entity_type=type(entity).__name__.lower(),
            entity_id=entity.id,
            action_id=action_id,
            field=field_name,
            old_value=old,
            new_value=new,
            changed_by=actor,
            changed_at=now,
        )
    )


def expect_version(entity, version: int | None, what: str) -> None:
    """Refuse a change made from a stale copy of the record (someone else saved in between)."""
    if version is not None and version != entity.version:
        raise ConflictError(what)


def changes_to(entities: dict[str, list[int]], limit: int = 200) -> list[ChangeRecord]:
    """The latest recorded changes to the given records, e.g. {"area": [1], "recommendation": [3, 4]}."""
    wanted = [and_(ChangeRecord.entity_type == kind, ChangeRecord.entity_id.in_(ids)) for kind, ids in entities.items()
              if ids]
    if not wanted:
        return []
    return list(db.session.scalars(
        select(ChangeRecord).where(or_(*wanted)).options(selectinload(ChangeRecord.changed_by))
        .order_by(ChangeRecord.changed_at.desc(), ChangeRecord.id.desc()).limit(limit)))
