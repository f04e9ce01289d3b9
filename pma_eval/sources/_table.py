"""Low-level reading shared by every source reader.

What the open-data portals and analysts' spreadsheets throw at us: UTF-8 (with or without
BOM) or Windows-1252, ``;`` or ``,`` separators, decimal commas, thousands separators,
column names in any case (API exports lower-case them), XLSX. Everything is read as text
first, with the line number of each record, then parsed column by column so that every
problem can be reported with its file, line, column and value.
"""

from __future__ import annotations

import contextvars
import csv
import gzip
import io
import re
import unicodedata
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputDataError, Problem

LINE = "_line"
SHEET = "_sheet"

ENCODINGS = ("utf-8-sig", "cp1252")

#: Publication year of the file being read and how it is known (``data add``: :func:`published_in`).
_PUBLISHED: contextvars.ContextVar[tuple[int, str] | None] = contextvars.ContextVar("published", default=None)


@contextmanager
def published_in(published: tuple[int, str] | None):
    """Read inside this block as a file published in ``published[0]`` (known as ``published[1]`` says: given by
    --annee-publication, read in its published name, bounded by its download date): an observed year after it is
    refused with its line (issue 25, point 3). ``None`` leaves only the current-year rule."""
    token = _PUBLISHED.set(published)
    try:
        yield
    finally:
        _PUBLISHED.reset(token)


def normalise_name(name: str) -> str:
    """Column-name key: lower case, no accents, no spaces/underscores/punctuation."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def lookup(values: pd.Series, table: dict, default=None) -> pd.Series:
    """Map text values through ``table`` keyed by :func:`normalise_name`, computing each distinct
    value once (a national file repeats a handful of labels hundreds of thousands of times)."""
    keyed = {normalise_name(k): v for k, v in table.items()}
    uniques = pd.unique(values.astype(str))
    found = {u: keyed.get(normalise_name(u), default) for u in uniques}
    return values.astype(str).map(found)


def _check_bytes(data: bytes, name: str) -> None:
    """Refuse what a text reader would silently accept: NUL bytes (a binary or truncated file)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputDataError([Problem(name, "octet nul dans le fichier : ce n'est pas un fichier texte CSV "
                                      "(fichier binaire, tronqué ou mal enregistré ?)", line=line)])


def file_bytes(path: str | Path, name: str | None = None) -> bytes:
    """The bytes of a file, decompressed when its name ends in ``.gz`` (the national reference is stored gzipped
    and read as it is); a damaged or truncated archive is refused with its name."""
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() != ".gz":
        return data
    try:
        return gzip.decompress(data)
    except gzip.BadGzipFile:
        why = "ce n'est pas une archive gzip (nom en .gz mais contenu non compressé ?)"
    except EOFError:
        why = "archive gzip tronquée (copie ou téléchargement incomplet)"
    except (OSError, zlib.error):
        why = "archive gzip abîmée (données compressées ou somme de contrôle invalides)"
    raise InputDataError([Problem(name or str(path), why + " : restaurez le fichier tel qu'il a été décrit "
                                  "(sha256 de son .meta.yml)")])


def _encoding(data: bytes, name: str) -> str:
    for enc in ENCODINGS:
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    raise InputDataError([Problem(name, "encodage illisible (ni UTF-8 ni Windows-1252)")])


def _decode(path: Path, name: str | None = None) -> str:
    data = file_bytes(path, name)
    _check_bytes(data, name or str(path))
    return data.decode(_encoding(data, name or str(path)))


def _no_data(name: str) -> InputDataError:
    return InputDataError([Problem(name, "aucune ligne de données (le fichier ne contient que l'en-tête)", line=2)])


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get)


def read_csv_text(path: str | Path, display: str | None = None, allow_empty: bool = False) -> pd.DataFrame:
    """Read a delimited text file as strings, keeping each record's line number.

    Returns a DataFrame whose columns are the header names as written, all values ``str``
    (empty string for empty cells), plus a ``_line`` column (1-based line where the record
    starts; the header is line 1).
    """
    path = Path(path)
    name = display or str(path)
    text = _decode(path, name)
    if not text.strip():
        raise InputDataError([Problem(name, "fichier vide")])
    first_line = text.splitlines()[0]
    sep = _sniff_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = [h.strip() for h in next(reader)]
    rows, lines, problems = [], [], []
    start = reader.line_num + 1
    for record in reader:
        if not any(cell.strip() for cell in record):
            start = reader.line_num + 1
            continue
        if len(record) != len(header):
            problems.append(
                Problem(name, f"{len(record)} champs au lieu de {len(header)} attendus", line=start,
                        value=sep.join(record)[:80])
            )
        else:
            rows.append([c.strip() for c in record])
            lines.append(start)
        start = reader.line_num + 1
    if problems:
        raise InputDataError(problems)
    if not rows and not allow_empty:
        raise _no_data(name)
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df[LINE] = np.asarray(lines, dtype=int)
    return df


def read_csv_fast(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Columnar read (pyarrow) of a possibly national-size delimited file, same contract as
    :func:`read_csv_text`: every value as text (stripped), a ``_line`` column with the line of
    each record.

    Line numbers are exact because the fast path is taken only when every record is one line
    (no blank line, no quoted line break); otherwise, and on any malformed record, the file is
    read again by :func:`read_csv_text`, which names the faulty line.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    path = Path(path)
    name = display or str(path)
    data = file_bytes(path, name)
    _check_bytes(data, name)
    if not data.strip():
        raise InputDataError([Problem(name, "fichier vide")])
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end_header = data.find(b"\n", start)
    header_bytes = data[start:] if end_header < 0 else data[start:end_header]
    try:
        header_text, encoding = header_bytes.decode("utf-8"), "utf8"
    except UnicodeDecodeError:
        header_text, encoding = header_bytes.decode("cp1252"), "cp1252"
    sep = _sniff_separator(header_text)
    header = [h.strip() for h in next(csv.reader([header_text.rstrip("\r")], delimiter=sep))]
    body = memoryview(data)[end_header + 1:] if end_header >= 0 else memoryview(b"")
    n_lines = data.count(b"\n", end_header + 1) + (0 if data.endswith(b"\n") else 1) if end_header >= 0 else 0
    if n_lines == 0 or not bytes(body).strip():
        raise _no_data(name)
    if len(set(header)) != len(header):
        return read_csv_text(path, display)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=header, encoding=encoding, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return read_csv_text(path, display)  # exact, located messages (field counts, encoding)
    if table.num_rows != n_lines:
        return read_csv_text(path, display)  # blank lines or quoted line breaks: count lines exactly
    table = pa.table({h: pc.utf8_trim_whitespace(table[h]) for h in header})
    df = table.to_pandas()
    df[LINE] = np.arange(2, table.num_rows + 2, dtype=np.int64)
    return df


def read_xlsx_text(path: str | Path, sheet: str | int = 0, display: str | None = None,
                   header_row: int = 1) -> pd.DataFrame:
    """Read one sheet of a workbook as strings, with spreadsheet line numbers in ``_line``."""
    path = Path(path)
    name = display or str(path)
    try:
        raw = pd.read_excel(path, sheet_name=sheet, dtype=object, header=None, engine="openpyxl")
    except ValueError as exc:  # unknown sheet
        raise InputDataError([Problem(name, f"feuille introuvable : {sheet}")]) from exc
    raw = raw.iloc[header_row - 1 :]
    header = [str(h).strip() if h is not None and h == h else "" for h in raw.iloc[0]]
    body = raw.iloc[1:].copy()
    body.columns = header
    body = body.loc[:, [h != "" for h in header]]
    lines = np.arange(header_row + 1, header_row + 1 + len(body))

    def as_text(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, pd.Timestamp):
            return v.date().isoformat()
        return str(v).strip()

    body = body.map(as_text)
    body[LINE] = lines
    keep = body.drop(columns=LINE).apply(lambda r: any(r.astype(bool)), axis=1)
    out = body.loc[keep].reset_index(drop=True)
    out[SHEET] = sheet if isinstance(sheet, str) else None
    return out


def read_any(path: str | Path, display: str | None = None, sheet: str | int = 0, fast: bool = False,
             allow_empty: bool = False) -> pd.DataFrame:
    """CSV/TXT (also gzipped: ``.csv.gz``) or XLSX by extension; ``fast`` takes the columnar reader for national-size CSV files;
    ``allow_empty`` accepts a CSV of a header only (a template not yet filled)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx_text(path, sheet=sheet, display=display)
    if allow_empty:
        return read_csv_text(path, display=display, allow_empty=True)
    return (read_csv_fast if fast else read_csv_text)(path, display=display)


@dataclass
class Parser:
    """Parses the text columns of one file and collects every problem found.

    Use :meth:`columns` to map the columns a reader needs (case- and accent-insensitive),
    the ``number``/``integer``/``code``/``text`` methods to parse them, then :meth:`raise_if_any`.
    """

    df: pd.DataFrame
    file: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, message: str, rows: pd.Index | None = None, column: str | None = None,
                values: pd.Series | None = None) -> None:
        if rows is None:
            self.problems.append(Problem(self.file, message, column=column))
            return
        sheet = self.df[SHEET] if SHEET in self.df else None
        for idx in rows:
            self.problems.append(
                Problem(self.file, message, line=int(self.df.at[idx, LINE]), column=column,
                        value=None if values is None else values.at[idx],
                        sheet=None if sheet is None else sheet.at[idx])
            )

    def columns(self, required: dict[str, tuple[str, ...]],
                optional: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
        """Map canonical names to the file's actual column names.

        ``required`` and ``optional`` map a canonical name to accepted spellings. A missing
        required column is a problem (the whole file is reported at once).
        """
        by_key = {normalise_name(c): c for c in self.df.columns if c not in (LINE, SHEET)}
        found: dict[str, str] = {}
        for canon, aliases in {**required, **(optional or {})}.items():
            for alias in (canon, *aliases):
                if normalise_name(alias) in by_key:
                    found[canon] = by_key[normalise_name(alias)]
                    break
        missing = [c for c in required if c not in found]
        if missing:
            present = ", ".join(c for c in self.df.columns if c not in (LINE, SHEET))
            for c in missing:
                self.problems.append(
                    Problem(self.file, f"colonne obligatoire absente (colonnes présentes : {present})",
                            line=1, column=c)
                )
            self.raise_if_any()
        return found

    def text(self, column: str, required: bool = True) -> pd.Series:
        s = self.df[column].astype(str).str.strip()
        if required:
            self._missing(s, column)
        return s

    def _missing(self, s: pd.Series, column: str) -> pd.Series:
        empty = s.eq("")
        if empty.any():
            self.problem("valeur obligatoire manquante", s.index[empty], column)
        return empty

    def number(self, column: str, required: bool = False, allow_negative: bool = False,
               minimum: float | None = None, maximum: float | None = None) -> pd.Series:
        """Parse decimals written with a point or a comma, spaces as thousands separators."""
        raw = self.df[column].astype(str).str.strip()
        # most files write plain numbers: parsed as they are; only the cells that do not parse lose their spaces
        # and have their decimal comma turned into a point (the regular expression costs more than the parsing)
        values = pd.to_numeric(raw.where(raw != ""), errors="coerce").astype(float)
        cleaned = raw
        retry = values.isna() & raw.ne("")
        if retry.any():
            cleaned = raw.copy()
            cleaned[retry] = (raw[retry].str.replace(r"[\s\u00a0\u202f]", "", regex=True)
                              .str.replace(",", ".", regex=False))
            values[retry] = pd.to_numeric(cleaned[retry].where(cleaned[retry] != ""), errors="coerce").astype(float)
        bad = values.isna() & cleaned.ne("")
        if bad.any():
            self.problem("nombre attendu", raw.index[bad], column, raw)
        if required:
            self._missing(raw, column)
        if not allow_negative:
            neg = values < 0
            if neg.any():
                self.problem("quantité négative impossible", raw.index[neg], column, raw)
        if minimum is not None and (low := values < minimum).any():
            self.problem(f"valeur inférieure au minimum admis ({minimum:g})", raw.index[low], column, raw)
        if maximum is not None and (high := values > maximum).any():
            self.problem(f"valeur supérieure au maximum admis ({maximum:g})", raw.index[high], column, raw)
        return values

    def integer(self, column: str, required: bool = True, minimum: int | None = None,
                maximum: int | None = None) -> pd.Series:
        values = self.number(column, required=required, minimum=minimum, maximum=maximum)
        frac = values.notna() & (values != values.round())
        if frac.any():
            self.problem("nombre entier attendu", values.index[frac], column, self.df[column])
        return values.round().astype("Int64")

    def year(self, column: str, minimum: int, maximum: int) -> pd.Series:
        values = self.integer(column, required=True)
        out = values.notna() & ((values < minimum) | (values > maximum))
        if out.any():
            self.problem(f"année hors de la plage admise ({minimum}–{maximum})", values.index[out],
                         column, self.df[column])
        return values

    def observed_year(self, column: str) -> pd.Series:
        """A year of observed data: in the workbench's range and not later than the current year
        (issue 25: a file with 2030 went in and was published as observed)."""
        from ..config import YEAR_MAX, YEAR_MIN, observed_year_max

        values = self.year(column, YEAR_MIN, YEAR_MAX)
        last = observed_year_max()
        future = values.notna() & (values > last)
        if future.any():
            self.problem(f"année future : une donnée observée ne peut pas porter sur une année postérieure à {last}",
                         values.index[future], column, self.df[column])
        published = _PUBLISHED.get()
        if published is not None:
            late = values.notna() & (values > published[0]) & ~future
            if late.any():
                self.problem(f"année postérieure à la publication du fichier ({published[0]} ; {published[1]}) : une "
                             "donnée observée ne peut pas porter sur une année après celle où le fichier a été publié ; "
                             "corrigez l'année de la ligne, ou l'année de publication si elle est fausse",
                             values.index[late], column, self.df[column])
        return values

    def code(self, column: str, kind: str, required: bool = True) -> pd.Series:
        """Parse a geographic code: ``kind`` is ``"insee"`` (5 characters) or ``"siren"`` (9 digits)."""
        s = self.df[column].astype(str).str.strip()
        s = s.str.replace(r"\.0$", "", regex=True)  # spreadsheet turned the code into a float
        if kind == "insee":
            ok = s.str.fullmatch(r"\d{5}|2[AaBb]\d{3}")
            message = "code commune INSEE sur 5 caractères attendu (zéro initial perdu ?)"
        elif kind == "siren":
            ok = s.str.fullmatch(r"\d{9}")
            message = "numéro SIREN à 9 chiffres attendu"
        else:  # pragma: no cover - programming error
            raise ValueError(kind)
        empty = s.eq("")
        bad = ~ok & ~empty
        if bad.any():
            self.problem(message, s.index[bad], column, s)
        if required:
            self._missing(s, column)
        return s.str.upper()

    def choice(self, column: str, allowed: dict[str, str] | set[str], required: bool = True,
               what: str = "valeur") -> pd.Series:
        """Values from a closed list; matching ignores case and accents. Returns canonical values."""
        s = self.df[column].astype(str).str.strip()
        mapping = allowed if isinstance(allowed, dict) else {a: a for a in allowed}
        keyed = {normalise_name(k): v for k, v in mapping.items()}
        # each distinct value matched once (a file repeats a handful of labels on every line)
        out = s.map({v: keyed.get(normalise_name(v)) if v else "" for v in pd.unique(s)})
        bad = out.isna()
        if bad.any():
            shown = ", ".join(sorted(set(mapping.values())))
            self.problem(f"{what} inconnue (valeurs admises : {shown})", s.index[bad], column, s)
        if required:
            self._missing(s, column)
        return out.fillna("")

    def duplicates(self, keys: pd.DataFrame, columns_label: str) -> None:
        dup = keys.duplicated(keep="first")
        if dup.any():
            first = keys.drop_duplicates(keep="first").reset_index().set_index(list(keys.columns))
            for idx in keys.index[dup]:
                key = tuple(keys.loc[idx])
                orig = first.loc[key if len(key) > 1 else key[0], "index"]
                orig_line = int(self.df.at[int(np.ravel(orig)[0]), LINE])
                self.problem(f"doublon de la clé ({columns_label}) déjà vue ligne {orig_line}", [idx],
                             None, pd.Series({idx: " / ".join(map(str, key))}))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputDataError(self.problems)
