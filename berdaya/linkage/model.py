"""The Splink model: comparisons, blocking rules, and the shipped parameters.

The comparisons are built in code for the backend's SQL dialect (DuckDB or Spark) and the
trained m and u probabilities are read from `model/berdaya_linkage.json`, a Splink model file
(DuckDB dialect) written by `berdaya linkage-train`. Matching never trains.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

__all__ = [
    "BLOCKING_KEYS",
    "EVIDENCE",
    "FIELDS",
    "MODEL_PATH",
    "PREDICTION_BLOCKING_RULES",
    "TRAINING_BLOCKING_RULES",
    "evidence_by_gamma",
    "load_model",
    "settings_creator",
    "settings_for",
]

MODEL_PATH = Path(__file__).with_name("model") / "berdaya_linkage.json"

Evidence = Literal["agree", "partial", "disagree", "missing"]

# Reasons fields in output order: reason field -> Splink comparison output name.
FIELDS = ("nik", "name", "birth_date", "sex", "village", "kk")

# Each comparison level's label -> the evidence it gives for the reasons column.
EVIDENCE: dict[str, dict[str, Evidence]] = {
    "nik": {
        "missing": "missing",
        "exact": "agree",
        "only the serial differs": "partial",
        "one digit or two swapped": "partial",
        "two digits": "partial",
        "near, where other fields differ": "disagree",
        "different": "disagree",
    },
    "name": {
        "missing": "missing",
        "exact": "agree",
        "same letters, spacing differs": "partial",
        "jaro-winkler >= 0.95": "partial",
        "one name contains the other": "partial",
        "jaro-winkler >= 0.88": "partial",
        "one letter differs": "partial",
        "two letters differ": "partial",
        "shares a name part": "disagree",
        "different": "disagree",
    },
    "birth_date": {
        "missing": "missing",
        "exact": "agree",
        "day and month swapped": "partial",
        "year off by one": "partial",
        "one character differs": "partial",
        "different": "disagree",
    },
    "sex": {"missing": "missing", "exact": "agree", "different": "disagree"},
    "village": {
        "missing": "missing",
        "same village": "agree",
        "same district": "partial",
        "same regency, one side has only the regency": "partial",
        "same regency, another district": "disagree",
        "different": "disagree",
    },
    "kk": {
        "missing": "missing",
        "exact": "agree",
        "one or two digits": "partial",
        "different": "disagree",
    },
}


# A NIK embeds the issuing district (6 digits) and the birth date (DDMMYY, day + 40 for
# women). A near NIK is evidence of a typo only where those parts agree, or where the records'
# own districts and birth dates agree; otherwise it merely repeats their difference.
_NIK_CONSISTENT = (
    "(substr(nik_l, 7, 6) = substr(nik_r, 7, 6) OR birth_date_l = birth_date_r) "
    "AND (substr(nik_l, 1, 6) = substr(nik_r, 1, 6) OR district_l = district_r)"
)


def _null(column: str) -> cll.ComparisonLevelCreator:
    return cll.NullLevel(column).configure(label_for_charts="missing")


def _else() -> cll.ComparisonLevelCreator:
    return cll.ElseLevel().configure(label_for_charts="different")


# Levels that neither support nor oppose a match: after training their m is set to their u
# (Bayes factor 1). Fixing them during EM instead leaves Splink's other m values untrained.
NEUTRAL_LEVELS = frozenset({"only the serial differs", "near, where other fields differ"})


def _neutral(sql: str, label: str) -> cll.ComparisonLevelCreator:
    assert label in NEUTRAL_LEVELS
    return _custom(sql, label)


def neutralise(model: dict[str, Any]) -> dict[str, Any]:
    """Set m = u on NEUTRAL_LEVELS of a model dict, in place; return it."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("label_for_charts") in NEUTRAL_LEVELS and level.get("u_probability"):
                level["m_probability"] = level["u_probability"]
    return model


def _custom(sql: str, label: str) -> cll.ComparisonLevelCreator:
    # Written in DuckDB SQL; Splink translates it with sqlglot for another backend.
    return cll.CustomLevel(sql, label, base_dialect_str="duckdb")


def comparisons() -> list[cl.CustomComparison]:
    """The six comparisons, most to least similar level in each."""
    return [
        cl.CustomComparison(
            output_column_name="nik",
            comparison_description="NIK",
            comparison_levels=[
                _null("nik"),
                cll.ExactMatchLevel("nik").configure(label_for_charts="exact"),
                # A typo must still find the true person (verification then flags
                # NIK_MISMATCH), so near NIKs are levels of their own. Two people born the
                # same day in one district have NIKs that differ only in the serial: given
                # the birth date, sex and district (counted by their own comparisons) that
                # is what a neighbour's NIK looks like, so it is neutral.
                _neutral("substr(nik_l, 1, 12) = substr(nik_r, 1, 12)", "only the serial differs"),
                _custom(
                    f"damerau_levenshtein(nik_l, nik_r) <= 1 AND {_NIK_CONSISTENT}",
                    "one digit or two swapped",
                ),
                _custom(f"levenshtein(nik_l, nik_r) <= 2 AND {_NIK_CONSISTENT}", "two digits"),
                # Near only where the birth dates or districts differ: already counted there.
                _neutral("levenshtein(nik_l, nik_r) <= 2", "near, where other fields differ"),
                _else(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="name",
            comparison_description="normalised name",
            comparison_levels=[
                _null("name_norm"),
                cll.ExactMatchLevel("name_norm").configure(label_for_charts="exact"),
                cll.ExactMatchLevel("name_flat").configure(
                    label_for_charts="same letters, spacing differs"
                ),
                cll.JaroWinklerLevel("name_core", 0.95).configure(
                    label_for_charts="jaro-winkler >= 0.95"
                ),
                # "SITI AMINAH" and "SITI AMINAH BINTI SALEH": a part added or dropped.
                cll.ArraySubsetLevel("name_tokens").configure(
                    label_for_charts="one name contains the other"
                ),
                cll.JaroWinklerLevel("name_core", 0.88).configure(
                    label_for_charts="jaro-winkler >= 0.88"
                ),
                # Typos and the old J for Y that normalisation leaves ("JOSEF" / "YOSEF"),
                # which Jaro-Winkler punishes at the first letter.
                cll.LevenshteinLevel("name_flat", 1).configure(
                    label_for_charts="one letter differs"
                ),
                cll.LevenshteinLevel("name_flat", 2).configure(
                    label_for_charts="two letters differ"
                ),
                cll.ArrayIntersectLevel("name_tokens", 1).configure(
                    label_for_charts="shares a name part"
                ),
                _else(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="birth_date",
            comparison_description="birth date",
            comparison_levels=[
                _null("birth_date"),
                cll.ExactMatchLevel("birth_date").configure(label_for_charts="exact"),
                _custom("birth_date_swapped_l = birth_date_r", "day and month swapped"),
                _custom(
                    "birth_md_l = birth_md_r AND abs(birth_year_l - birth_year_r) = 1",
                    "year off by one",
                ),
                cll.LevenshteinLevel("birth_date", 1).configure(
                    label_for_charts="one character differs"
                ),
                _else(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="sex",
            comparison_description="sex",
            comparison_levels=[
                _null("sex"),
                cll.ExactMatchLevel("sex").configure(label_for_charts="exact"),
                _else(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="village",
            comparison_description="village, district and regency",
            comparison_levels=[
                _custom("regency_l IS NULL OR regency_r IS NULL", "missing").configure(
                    is_null_level=True
                ),
                cll.ExactMatchLevel("village").configure(label_for_charts="same village"),
                cll.ExactMatchLevel("district").configure(label_for_charts="same district"),
                _custom(
                    "(village_l IS NULL OR village_r IS NULL) AND regency_l = regency_r",
                    "same regency, one side has only the regency",
                ),
                cll.ExactMatchLevel("regency").configure(
                    label_for_charts="same regency, another district"
                ),
                _else(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="kk",
            comparison_description="family card number",
            comparison_levels=[
                _null("kk"),
                cll.ExactMatchLevel("kk").configure(label_for_charts="exact"),
                cll.LevenshteinLevel("kk", 2).configure(label_for_charts="one or two digits"),
                _else(),
            ],
        ),
    ]


# Candidate pairs: a pair is compared when any rule holds; each rule is a list of
# (reference column, candidate column) that must be equal. Measured on 9,000 noisy copies of
# people in a 1,000,000-person register (bench/RESULTS.md): together they find every true
# pair, while each alone finds 77-93%, because each survives a different error.
BLOCKING_KEYS: list[tuple[tuple[str, str], ...]] = [
    (("nik", "nik"),),
    (("nik_head", "nik_head"),),  # a typo in the serial: same issuing district and birth date
    (("nik_tail", "nik_tail"),),  # a typo in the region digits
    (("birth_date", "birth_date"), ("district", "district")),
    (("birth_date", "birth_date_swapped"), ("district", "district")),
    (("name_norm", "name_norm"), ("district", "district")),
    (("name_norm", "name_norm"), ("birth_year", "birth_year")),
    (("name_first", "name_first"), ("birth_date", "birth_date")),
    (("kk", "kk"),),
]


def _rule_sql(keys: tuple[tuple[str, str], ...]) -> str:
    # Splink's `l` is the reference and `r` the candidates (see engine: datasets in that order).
    return " AND ".join(f"l.{left} = r.{right}" for left, right in keys)


PREDICTION_BLOCKING_RULES = [_rule_sql(keys) for keys in BLOCKING_KEYS]
# EM needs rules that leave some comparisons free to vary: each trains the others.
TRAINING_BLOCKING_RULES = [
    block_on("birth_date", "district"),
    block_on("name_norm", "district"),
    block_on("nik"),
]


def settings_creator(
    *,
    probability_two_random_records_match: float = 1e-6,
) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=PREDICTION_BLOCKING_RULES,
        probability_two_random_records_match=probability_two_random_records_match,
        # Splink keeps the comparison vector (gamma) only with the matching columns; the
        # chosen pair's gamma values are the reasons' evidence.
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
    )


def _label(level: cll.ComparisonLevelCreator) -> str:
    # A label set with .configure() is kept apart from the level's own default label.
    return getattr(level, "label_for_charts", None) or level.create_label_for_charts()


def load_model(path: str | Path | None = None) -> dict[str, Any]:
    """The shipped (or given) Splink model JSON as a dict."""
    return json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8"))


def settings_for(
    model: dict[str, Any], *, probability_two_random_records_match: float
) -> SettingsCreator:
    """A SettingsCreator with the model's m and u probabilities and the given prior.

    Comparisons come from code (so each backend gets its own SQL); levels are matched to the
    model's by position and label, and a model that does not fit the code is refused.
    """
    creator = settings_creator(
        probability_two_random_records_match=probability_two_random_records_match
    )
    model = neutralise(json.loads(json.dumps(model)))
    trained = {c["output_column_name"]: c["comparison_levels"] for c in model["comparisons"]}
    for comparison in creator.comparisons:
        name = comparison.create_output_column_name()
        levels = comparison.create_comparison_levels()
        stored = trained.get(name)
        if stored is None or len(stored) != len(levels):
            raise ValueError(f"linkage model does not fit the code: comparison {name}")
        for level, saved in zip(levels, stored, strict=True):
            label = _label(level)
            if saved.get("label_for_charts") != label:
                raise ValueError(f"linkage model does not fit the code: {name} level {label}")
            if not saved.get("is_null_level"):
                level.configure(
                    m_probability=saved.get("m_probability"),
                    u_probability=saved.get("u_probability"),
                )
        comparison._comparison_levels = levels
    return creator


def evidence_by_gamma(settings_obj: Any) -> dict[str, dict[int, Evidence]]:
    """Reason field -> comparison vector value -> evidence, from a linker's settings."""
    result: dict[str, dict[int, Evidence]] = {}
    for comparison in settings_obj.comparisons:
        name = comparison.output_column_name
        table = EVIDENCE[name]
        result[name] = {
            level.comparison_vector_value: table[level.label_for_charts]
            for level in comparison.comparison_levels
        }
    return result
