#!/bin/sh
# Mutation testing of the privacy and sign-in rules (docs/mutation.md), e.g.
#   scripts/mutate_access.sh run --max-children 2      then: ... results
# Who may see what (models/access.py), notes checked for personal data, the second
# factor, the lockout, passwords and the mailed links. mutmut reads the one
# [tool.mutmut] of pyproject.toml, which is the writer of places' run, so this one runs
# in a copy of the tracked tree (kept between runs, with its mutants/ and their results)
# whose [tool.mutmut] is replaced by the one below.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${MUTATE_DIR:-/tmp/wegwijs-mutate-access}
mkdir -p "$work/mutants"
(cd "$repo" && git ls-files -co --exclude-standard | grep -v '^mutants/' | tar -cf - -T -) \
    | tar -xf - -C "$work"
ln -sfn "$repo/.venv" "$work/.venv"
# The portal's tests read its built assets' sources.
ln -sfn "$repo/node_modules" "$work/node_modules"
ln -sfn "$repo/node_modules" "$work/mutants/node_modules"
sed -i '/^\[tool.mutmut\]/,$d' "$work/pyproject.toml"
cat >> "$work/pyproject.toml" <<'TOML'
[tool.mutmut]
source_paths = ["models/"]
only_mutate = [
    "models/access.py", "models/personal_data.py", "models/second_factor.py",
    "models/lockout.py", "models/passwords.py", "models/account_links.py",
]
also_copy = ["matching/", "web/", "seeds/", "migrations/", "wsgi.py"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
# The tests that reach these rules (tests/integration/test_signin_races.py needs
# PostgreSQL: it holds the guarded UPDATEs' effect under concurrency there).
pytest_add_cli_args_test_selection = [
    "tests/unit/test_personal_data.py",
    "tests/integration/api/test_api_access.py",
    "tests/integration/api/test_api_account_security.py",
    "tests/integration/api/test_api_accounts.py",
    "tests/integration/api/test_api_tokens.py",
    "tests/integration/portal/test_portal_auth.py",
    "tests/integration/portal/test_portal_accounts.py",
    "tests/integration/test_data_subject.py",
]
TOML
cd "$work"
exec nice -n 19 .venv/bin/mutmut "$@"
