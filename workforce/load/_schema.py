"""Declarative column schemas, read from YAML.

The schemas live in ``schemas/`` at the top of the repository and are shipped
inside the package as ``workforce.schemas``.  Each declares, for one kind of
input file, the columns the loader understands: the headers that mean each
column (aliases), whether it is required, its type, its range or allowed
values, what normaliser reads it and how it is protected.  A user extends a
schema without touching code by passing a YAML file of their own (see
:func:`read_schema`).  The pandera schema that checks typed values is built
from the same declaration (:meth:`Schema.to_pandera`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .._resources import resource
from ..errors import SchemaDefinitionError

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = ["ColumnSpec", "Schema", "read_schema", "schema_names", "header_key"]

TYPES = ("text", "number", "integer", "date", "flag")
NORMALISERS = ("ethnicity", "band", "staff_group", "sex", "disability", "age_band", "assignment_category")
PRIVACY = ("pseudonymise", "drop")
_KEYS = {"description", "aliases", "required", "nullable", "type", "normaliser", "min", "max", "allowed", "privacy", "values"}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SEEN = 20_000   # texts whose header lookup a schema keeps


#: Cyrillic and Greek letters that look like Latin ones ("Еthnic" with a Cyrillic Е), read as the Latin letter.
LOOKALIKES = str.maketrans("АВЕКМНОРСТХУаеорсухіјѕԁΑΒΕΖΗΙΚΜΝΟΡΤΥΧον", "ABEKMHOPCTXYaeopcyxijsdABEZHIKMNOPTYXov")


def header_key(text: object) -> str:
    """The form in which headers and aliases are compared.

    Case, spaces and punctuation are ignored; compatibility forms (full-width letters) and Cyrillic or Greek
    letters that look like Latin ones are read as the Latin letters (:data:`LOOKALIKES`).

    Examples
    --------
    >>> header_key(" Ethnic-Origin ")
    'ethnicorigin'
    >>> header_key("Contracted W.T.E.") == header_key("contracted wte")
    True
    """
    return _NON_ALNUM.sub("", unicodedata.normalize("NFKC", str(text)).translate(LOOKALIKES).lower())


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a schema."""

    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = False
    nullable: bool = True
    type: str = "text"
    normaliser: str | None = None
    min: float | dt.date | None = None
    max: float | dt.date | None = None
    allowed: tuple[str, ...] | None = None
    privacy: str | None = None
    values: dict[str, str] = field(default_factory=dict)

    @property
    def header_keys(self) -> set[str]:
        """Comparison keys of the column's own name and all its aliases."""
        return {header_key(self.name), *(header_key(a) for a in self.aliases)}


@dataclass(frozen=True)
class Schema:
    """A named set of :class:`ColumnSpec`, read from YAML.

    Examples
    --------
    >>> schema = read_schema("staff_in_post")
    >>> schema.column_for_header("ETHNIC ORIGIN")
    'ethnic_origin'
    >>> schema.required
    ['employee_number', 'staff_group', 'band', 'ethnic_origin']
    """

    name: str
    title: str
    description: str
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    if TYPE_CHECKING:  # set in __post_init__ (not a dataclass field at run time)
        _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
        _seen: dict[str, str | None] = field(init=False, repr=False, compare=False)

    @property
    def required(self) -> list[str]:
        """Names of the required columns, in schema order."""
        return [c.name for c in self.columns.values() if c.required]

    def column_for_header(self, header: object) -> str | None:
        """The schema column a header means, or ``None``."""
        if isinstance(header, str):   # a sheet's cells are looked up many times over: each text's answer is kept
            found = self._seen.get(header, self)
            if found is not self:
                return found  # type: ignore[return-value]  # a column name or None
            column = self._lookup.get(header_key(header))
            if len(self._seen) < _SEEN:
                self._seen[header] = column
            return column
        return self._lookup.get(header_key(header))

    def __post_init__(self) -> None:
        table: dict[str, str] = {}
        for spec in self.columns.values():
            for key in sorted(spec.header_keys):
                table.setdefault(key, spec.name)
        object.__setattr__(self, "_lookup", table)  # header key -> column, built once
        object.__setattr__(self, "_seen", {})  # text -> column (or None), as looked up

    def extend(self, overlay: dict[str, Any], source: str) -> Schema:
        """A new schema with ``overlay`` applied: aliases added, settings replaced."""
        unknown = set(overlay) - {"name", "title", "description", "columns"}
        if unknown:
            raise SchemaDefinitionError(
                f"{source}: unknown top-level key(s) {sorted(unknown)}; valid keys are name, title, description, columns."
            )
        columns = dict(self.columns)
        for name, settings in (overlay.get("columns") or {}).items():
            base = columns.get(name, ColumnSpec(name=name))
            new = _column_from_yaml(name, settings or {}, source)
            merged = replace(
                base,
                **{k: getattr(new, k) for k in (settings or {}) if k not in ("aliases", "values")},
                aliases=tuple(dict.fromkeys(base.aliases + new.aliases)),
                values={**base.values, **new.values},
            )
            columns[name] = merged
        return replace(self, columns=columns, sources=self.sources + (source,))

    def to_pandera(self, present: list[str] | None = None) -> pa.DataFrameSchema:
        """The pandera ``DataFrameSchema`` that checks typed values.

        Parameters
        ----------
        present : list of str, optional
            Restrict to these columns (those found in a file).  A required
            column is checked for missing values; a range becomes an
            ``in_range`` check and allowed values an ``isin`` check.
        """
        import pandera.pandas as pa

        dtypes = {"text": None, "number": "float64", "integer": "Int64", "date": "datetime64[ns]", "flag": "boolean"}
        cols = {}
        for spec in self.columns.values():
            if present is not None and spec.name not in present:
                continue
            checks = []
            lo, hi = spec.min, spec.max
            if spec.type == "date":
                lo = None if lo is None else _timestamp(lo)
                hi = None if hi is None else _timestamp(hi)
            if lo is not None and hi is not None:
                checks.append(pa.Check.in_range(lo, hi, error=f"between {lo} and {hi}"))
            elif lo is not None:
                checks.append(pa.Check.ge(lo, error=f"at least {lo}"))
            elif hi is not None:
                checks.append(pa.Check.le(hi, error=f"at most {hi}"))
            if spec.allowed:
                checks.append(pa.Check.isin(list(spec.allowed), error="one of the allowed values"))
            cols[spec.name] = pa.Column(
                dtypes[spec.type], checks=checks, nullable=spec.nullable, required=False, description=spec.description
            )
        return pa.DataFrameSchema(cols, name=self.name, strict=False)


def _timestamp(value: Any):
    import pandas as pd

    return pd.Timestamp(value)


def _column_from_yaml(name: str, settings: dict[str, Any], source: str) -> ColumnSpec:
    where = f"{source}: column {name!r}"
    if not isinstance(settings, dict):
        raise SchemaDefinitionError(f"{where} must be a mapping of settings, got {settings!r}.")
    unknown = set(settings) - _KEYS
    if unknown:
        raise SchemaDefinitionError(f"{where}: unknown setting(s) {sorted(unknown)}; valid settings are {sorted(_KEYS)}.")
    kind = settings.get("type", "text")
    if kind not in TYPES:
        raise SchemaDefinitionError(f"{where}: type {kind!r} is not one of {list(TYPES)}.")
    normaliser = settings.get("normaliser")
    if normaliser is not None and normaliser not in NORMALISERS:
        raise SchemaDefinitionError(f"{where}: normaliser {normaliser!r} is not one of {list(NORMALISERS)}.")
    privacy = settings.get("privacy")
    if privacy is not None and privacy not in PRIVACY:
        raise SchemaDefinitionError(f"{where}: privacy {privacy!r} is not one of {list(PRIVACY)}.")
    aliases = settings.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    if not all(isinstance(a, (str, int, float)) for a in aliases):
        raise SchemaDefinitionError(f"{where}: aliases must be a list of header texts.")
    allowed = settings.get("allowed")
    values = settings.get("values") or {}
    if not isinstance(values, dict):
        raise SchemaDefinitionError(f"{where}: values must map a local spelling to a standard value, "
                                    "for example values: {{'White Brit': 'A White - British'}}.")
    return ColumnSpec(
        name=name,
        description=str(settings.get("description", "")),
        aliases=tuple(str(a) for a in aliases),
        required=bool(settings.get("required", False)),
        nullable=bool(settings.get("nullable", not settings.get("required", False))),
        type=kind,
        normaliser=normaliser,
        min=settings.get("min"),
        max=settings.get("max"),
        allowed=None if allowed is None else tuple(str(a) for a in allowed),
        privacy=privacy,
        values={str(k): str(v) for k, v in values.items()},
    )


def schema_names() -> list[str]:
    """Names of the schemas shipped with the package.

    Examples
    --------
    >>> "staff_in_post" in schema_names()
    True
    """
    return sorted(p.name[: -len(".yaml")] for p in resource("schemas").iterdir() if p.name.endswith(".yaml"))


def _load_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # the C loader when built
    except yaml.YAMLError as exc:
        raise SchemaDefinitionError(f"{source} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise SchemaDefinitionError(f"{source} must hold a mapping with a 'columns:' section.")
    return data


def read_schema(name: str = "staff_in_post", extra: str | Path | list[str | Path] | None = None) -> Schema:
    """Read a shipped schema, optionally extended by the user's own YAML files.

    Parameters
    ----------
    name : str
        A shipped schema (see :func:`schema_names`), or the path of a complete
        schema file of the user's own.
    extra : path or list of paths, optional
        YAML files that extend the schema: their aliases are added to the
        shipped ones and any other setting replaces the shipped one.

    Returns
    -------
    Schema

    Examples
    --------
    >>> read_schema("staff_in_post").columns["fte"].type
    'number'
    """
    shipped = schema_names()
    if name in shipped:
        schema = _shipped(name)
    elif Path(name).suffix in (".yaml", ".yml") and Path(name).is_file():
        schema = _from_text(name, str(name), Path(name).read_text(encoding="utf-8"))
    else:
        raise SchemaDefinitionError(f"no schema called {name!r}; shipped schemas are {shipped}, or give the path of a .yaml file.")
    extras = [] if extra is None else [extra] if isinstance(extra, (str, Path)) else list(extra)
    for path in extras:
        path = Path(path)
        if not path.is_file():
            raise SchemaDefinitionError(f"schema file {str(path)!r} does not exist.")
        schema = schema.extend(_load_yaml(path.read_text(encoding="utf-8"), str(path)), str(path))
    return schema


@functools.lru_cache(maxsize=None)
def _shipped(name: str) -> Schema:
    """A shipped schema, read once per process (a :class:`Schema` is frozen; extending one makes another)."""
    return _from_text(name, f"schemas/{name}.yaml", resource("schemas", f"{name}.yaml").read_text(encoding="utf-8"))


def _from_text(name: str, source: str, text: str) -> Schema:
    data = _load_yaml(text, source)
    columns = {n: _column_from_yaml(n, s or {}, source) for n, s in (data.get("columns") or {}).items()}
    if not columns:
        raise SchemaDefinitionError(f"{source} declares no columns.")
    schema = Schema(
        name=str(data.get("name", name)),
        title=str(data.get("title", name)),
        description=str(data.get("description", "")),
        columns=columns,
        sources=(source,),
    )
    return schema
