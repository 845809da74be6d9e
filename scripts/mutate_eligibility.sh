#!/bin/sh
# Mutation testing of matching/eligibility.py (docs/mutation.md), e.g.
#   scripts/mutate_eligibility.sh run --max-children 2      then: ... results
# mutmut reads the one [tool.mutmut] of pyproject.toml, which is the writer of places'
# run; this one mutates the engine with its own fast rule tests, so it runs in a copy of
# the tracked tree (kept between runs, with its mutants/ and their results) whose
# [tool.mutmut] is replaced by the one below.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${MUTATE_DIR:-/tmp/wegwijs-mutate-eligibility}
mkdir -p "$work"
(cd "$repo" && git ls-files -co --exclude-standard | grep -v '^mutants/' | tar -cf - -T -) \
    | tar -xf - -C "$work"
ln -sfn "$repo/.venv" "$work/.venv"
sed -i '/^\[tool.mutmut\]/,$d' "$work/pyproject.toml"
cat >> "$work/pyproject.toml" <<'TOML'
[tool.mutmut]
source_paths = ["matching/"]
only_mutate = ["matching/eligibility.py"]
# tests/conftest.py (loaded for every test below it) imports the app.
also_copy = ["models/", "web/", "seeds/", "migrations/", "wsgi.py"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
# The rule tests, not the library's slow allocation tests (seconds each, per mutant).
pytest_add_cli_args_test_selection = [
    "tests/unit/matching/test_eligibility_explanations.py",
    "tests/unit/matching/test_matching_rules.py",
    "tests/unit/matching/test_matching_library.py::test_docstring_examples[eligibility]",
    "--deselect",
    "tests/unit/matching/test_matching_rules.py::test_objective_adds_up_to_the_printed_scores",
]
TOML
cd "$work"
exec nice -n 19 .venv/bin/mutmut "$@"
