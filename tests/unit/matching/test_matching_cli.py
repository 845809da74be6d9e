"""The command line end to end on the contract's example, and on bad input."""

import copy
import gc
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE
from matching.cli import main


@pytest.fixture(autouse=True)
def _collector_back():
    yield
    gc.enable()  # main(own_process=True) leaves it off, as its own process ends next


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "matching", *map(str, args)], input=stdin,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def ranked():
    result = run("rank", EXAMPLE)
    assert result.returncode == 0, result.stderr
    return {r["inburgeraar_id"]: r["matches"] for r in json.loads(result.stdout)["rankings"]}


def test_rank_example_shape_and_rules(ranked):
    assert list(ranked) == ["i1", "i2", "i3"]
    offers = {m["offer_id"] for matches in ranked.values() for m in matches}
    assert "o5" not in offers  # capacity 0
    assert "o1" not in {m["offer_id"] for m in ranked["i2"]}  # declined before, and z-route
    assert ranked["i3"] == []  # no needs
    assert all("o2" not in {m["offer_id"] for m in ranked[i]} for i in ("i2", "i3"))  # women only
    assert "o3" not in {m["offer_id"] for m in ranked["i1"]}  # A1 below min A2
    first = ranked["i1"][0]
    assert set(first) == {"offer_id", "partner_id", "domain", "score", "components", "reasons"}
    assert (first["offer_id"], first["partner_id"], first["domain"]) == ("o1", "p1", "taal")
    assert any(r.endswith(": met kinderopvang") for r in first["reasons"])
    assert "+8 %-punt: docent spreekt Arabisch" in first["reasons"]
    assert any(": op " in r and r.endswith(" km van huis") and "," in r
               for r in first["reasons"])
    # Without completed referrals to learn from, the score is the documented prior.
    assert first["reasons"][-1].startswith("schatting vooraf")
    scores = [m["score"] for m in ranked["i1"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_rank_options(tmp_path):
    result = run("rank", EXAMPLE, "--inburgeraar", "i1", "--domain", "sociaal_netwerk",
                 "--top", "1")
    doc = json.loads(result.stdout)
    assert [r["inburgeraar_id"] for r in doc["rankings"]] == ["i1"]
    assert [m["offer_id"] for m in doc["rankings"][0]["matches"]] == ["o4"]


def test_rank_reads_stdin():
    result = run("rank", "-", "--top", "1", stdin=EXAMPLE.read_text())
    assert result.returncode == 0 and json.loads(result.stdout)["rankings"][0]["matches"]


def test_allocate_example():
    result = run("allocate", EXAMPLE)
    doc = json.loads(result.stdout)
    assert set(doc) == {"assignments", "unassigned", "objective"}
    pairs = {(a["inburgeraar_id"], a["offer_id"]) for a in doc["assignments"]}
    assert pairs == {("i1", "o1"), ("i1", "o4")}
    reasons = {(u["inburgeraar_id"], u["domain"]): u["reason"] for u in doc["unassigned"]}
    assert reasons[("i1", "werk")] == "geen aanbod op niveau A1"
    assert reasons[("i2", "taal")] == "het passende aanbod is alleen voor vrouwen"
    assert set(reasons) == {("i1", "werk"), ("i2", "taal"), ("i2", "sociaal_netwerk")}
    weights = {"taal": 3, "sociaal_netwerk": 2}
    # The objective adds up to the printed scores.
    assert doc["objective"] == pytest.approx(
        sum(weights[a["domain"]] * a["score"] for a in doc["assignments"]), rel=1e-6)


def test_allocate_domain_restricts():
    doc = json.loads(run("allocate", EXAMPLE, "--domain", "taal").stdout)
    assert {a["domain"] for a in doc["assignments"]} == {"taal"}
    assert {u["domain"] for u in doc["unassigned"]} == {"taal"}


def test_allocate_domain_objective_adds_up_to_the_printed_scores(example_doc, tmp_path):
    # A weight with decimals: the total of weight x printed score has more than 4 of them.
    example_doc["inburgeraars"][0]["needs"]["taal"] = 1.25
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(example_doc))
    doc = json.loads(run("allocate", path, "--domain", "taal").stdout)
    [assigned] = doc["assignments"]
    assert doc["objective"] == pytest.approx(1.25 * assigned["score"], rel=1e-6)


@pytest.mark.parametrize("domain", [[], ["--domain", "taal"]])
def test_the_objective_adds_up_to_the_printed_scores_however_small_the_weights(
        example_doc, tmp_path, domain):
    for person in example_doc["inburgeraars"]:
        person["needs"] = {d: w * 1.234567e-9 for d, w in person["needs"].items()}
    weights = {i["id"]: i["needs"] for i in example_doc["inburgeraars"]}
    path = tmp_path / "small.json"
    path.write_text(json.dumps(example_doc))
    doc = json.loads(run("allocate", path, *domain).stdout)
    printed = sum(weights[a["inburgeraar_id"]][a["domain"]] * a["score"]
                  for a in doc["assignments"])
    assert printed > 0 and doc["objective"] == pytest.approx(printed, rel=1e-6, abs=0)


def test_graph_example():
    doc = json.loads(run("graph", EXAMPLE).stdout)
    assert doc["nodes"]["total"] == 4 and doc["edges"]["total"] == 3
    assert doc["edges"]["by_kinds"] == {"maatjesproject–mentor": 1, "maatjesproject–werkgever": 1,
                                        "taalschool–werkgever": 1}
    assert doc["components"] == {"count": 1, "sizes": [4], "isolated": []}
    overvecht = next(a for a in doc["areas"] if a["area"] == "Utrecht – Overvecht")
    assert overvecht["domains"]["taal"]["free_capacity"] == 1  # o2 at 3562
    noordoost = next(a for a in doc["areas"] if a["wijk"] == "Noordoost")
    assert noordoost["domains"]["taal"]["demand"] == 1  # i1 at 3561


def test_generate_is_deterministic_and_valid(tmp_path):
    first = run("generate", "--people", 30, "--offers", 40, "--seed", 7)
    second = run("generate", "--people", 30, "--offers", 40, "--seed", 7)
    other = run("generate", "--people", 30, "--offers", 40, "--seed", 8)
    assert first.returncode == 0 and first.stdout == second.stdout != other.stdout
    path = tmp_path / "s.json"
    path.write_text(first.stdout)
    assert run("rank", path, "--top", 1).returncode == 0


def _mutate(doc, change):
    doc = copy.deepcopy(doc)
    change(doc)
    return json.dumps(doc)


BAD = [
    ("not json", None, "$: not valid JSON"),
    ("wrong type", lambda d: d["offers"][0].update(capacity="2"), "offers[0].capacity: '2'"),
    ("unknown domain", lambda d: d["offers"][1].update(domain="sport"),
     "offers[1].domain: 'sport' is not a domain"),
    ("unknown level", lambda d: d["offers"][3].update(min_level="B3"),
     "offers[3].min_level: 'B3' is not a level"),
    ("unknown need", lambda d: d["inburgeraars"][0]["needs"].update(sport=1),
     "inburgeraars[0].needs.sport: 'sport' is not a domain"),
    ("missing field", lambda d: d["offers"][1].pop("capacity"), "offers[1].capacity: "),
    ("unknown field", lambda d: d["inburgeraars"][2].update(shoe=42), "inburgeraars[2].shoe: "),
    ("bad date", lambda d: d.update(reference_date="2026-13-01"), "reference_date: "),
    ("unknown partner", lambda d: d["offers"][2].update(partner_id="p9"),
     "offers[2].partner_id: 'p9' is not a partner"),
    ("unknown tie", lambda d: d["partners"][1]["ties"].append("p7"),
     "partners[1].ties[2]: 'p7' is not a partner"),
    ("duplicate id", lambda d: d["offers"][4].update(id="o1"), "offers[4].id: duplicate id"),
    ("mentor kind", lambda d: d["inburgeraars"][1].update(mentor_id="p1"),
     "inburgeraars[1].mentor_id: 'p1' is not a maatjesproject or mentor"),
    ("level order", lambda d: d["offers"][0].update(min_level="B1"),
     "offers[0].min_level: 'B1' is above max_level 'A2'"),
    ("age order", lambda d: d["offers"][2].update(max_age=16), "offers[2].min_age: 18 is above"),
    ("postcode", lambda d: d["inburgeraars"][0].update(postcode="1000"),
     "inburgeraars[0].postcode: '1000' is not in the postcode table"),
    ("history person", lambda d: d["history"][0].update(inburgeraar_id="i9"),
     "history[0].inburgeraar_id: 'i9' is not an inburgeraar"),
    ("history offer", lambda d: d["history"][1].update(offer_id="o9"),
     "history[1].offer_id: 'o9' is not an offer"),
    # "an" before a vowel, as the contract's English reads.
    ("offer kind", lambda d: d["offers"][0].update(kind="cursus"),
     "offers[0].kind: 'cursus' is not an offer kind"),
    ("education", lambda d: d["inburgeraars"][0].update(education="phd"),
     "inburgeraars[0].education: 'phd' is not an education level"),
    ("outcome", lambda d: d["history"][0].update(outcome="failed"),
     "history[0].outcome: 'failed' is not an outcome"),
    ("first in document order", lambda d: (d["offers"][3].update(min_level="B3"),
                                           d["offers"][1].update(domain="sport")),
     "offers[1].domain: "),
    ("semantic order", lambda d: (d["history"][0].update(offer_id="o9"),
                                  d["offers"][2].update(partner_id="p9")),
     "offers[2].partner_id: "),
]


def _bad_text(doc, change):
    return "{ nope" if change is None else _mutate(doc, change)


@pytest.mark.parametrize("case", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line(case, example_doc, monkeypatch, capsys):
    _, change, expected = case
    monkeypatch.setattr(sys, "stdin", io.StringIO(_bad_text(example_doc, change)))
    assert main(["rank", "-"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith(expected), err


@pytest.mark.parametrize("command", ["rank", "allocate", "graph"])
@pytest.mark.parametrize("case", [BAD[0], BAD[3], BAD[8]], ids=lambda b: b[0])
def test_bad_input_through_a_process(command, case, example_doc):
    _, change, expected = case
    result = run(command, "-", stdin=_bad_text(example_doc, change))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr


def test_usage_error_exits_2():
    assert run("rank", EXAMPLE, "--top", "0").returncode == 2
    assert run("frobnicate").returncode == 2


def test_unknown_inburgeraar_exits_2():
    result = run("rank", EXAMPLE, "--inburgeraar", "i9")
    assert result.returncode == 2 and result.stdout == "" and "i9" in result.stderr


def test_commands_other_than_evaluate_do_not_load_the_evaluation_harness():
    code = ("import sys; from matching.cli import main; "
            "main(['graph', 'matching/contract/example-scenario.json']); "
            "print('matching.evaluation' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[3], check=True)
    assert done.stderr.strip().splitlines()[-1] == "False"


def test_allocate_lets_malloc_keep_freed_memory_and_rank_leaves_it_alone(monkeypatch, capsys):
    # Arrays of millions of arcs come and go domain after domain: mapped and faulted in anew
    # each time unless glibc keeps what was freed (issue 24).
    from matching import cli

    calls = []

    class Libc:
        def mallopt(self, option, value):
            calls.append((option, value))
            return 1

    monkeypatch.setattr(cli.ctypes, "CDLL", lambda name: Libc())
    assert main(["rank", str(EXAMPLE)], own_process=True) == 0
    assert main(["allocate", str(EXAMPLE)]) == 0  # a caller's process (a test's) keeps its own
    assert calls == []
    assert main(["allocate", str(EXAMPLE)], own_process=True) == 0
    assert calls == [(-4, 0), (-1, 2**31 - 1)]  # M_MMAP_MAX, M_TRIM_THRESHOLD
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["assignments"]


def test_allocate_runs_where_there_is_no_glibc(monkeypatch, capsys):
    from matching import cli

    def missing(name):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(cli.ctypes, "CDLL", missing)
    assert main(["allocate", str(EXAMPLE)], own_process=True) == 0
    assert json.loads(capsys.readouterr().out)["assignments"]


def test_the_command_line_process_writes_all_it_printed_before_it_ends(tmp_path, capsys):
    # python -m matching ends without tearing down the interpreter: what it wrote to the
    # pipes must be there in full all the same.
    from matching import generate_scenario

    path = tmp_path / "s.json"
    path.write_text(json.dumps(generate_scenario(300, 80, seed=6)))
    assert main(["allocate", str(path)]) == 0
    expected = capsys.readouterr().out
    result = run("allocate", path)
    assert result.returncode == 0
    assert result.stdout == expected and len(expected) > 10_000
    assert result.stderr.startswith("allocate: done in")


def _pieces_folder(scratch: Path) -> bool:
    return any(entry.is_dir() and entry.name.startswith("tmp") for entry in scratch.iterdir())


def test_a_stopped_allocation_leaves_no_temporary_files(tmp_path):
    # Stopped while the model is fitted and the worker prepares pairs in files: they go too.
    from matching import generate_scenario

    path = tmp_path / "s.json"
    path.write_text(json.dumps(generate_scenario(4000, 1500, seed=6)))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "matching", "allocate", str(path)],
                               env={**os.environ, "TMPDIR": str(scratch)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    # Its folder of prepared pieces: a library's file made and unlinked at once (multiprocessing's
    # shared memory where /dev/shm will not do) passes through the folder too, and is not it.
    while not _pieces_folder(scratch) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if not _pieces_folder(scratch):  # say why: it ended (how), or it never made its folder
        ended = process.poll()
        waited = 60 - (deadline - time.monotonic())
        pytest.fail(f"the allocation made no folder of pieces; in it {list(scratch.iterdir())} "
                    f"after {waited:.1f} s, exit status {ended}, stderr "
                    f"{process.communicate()[1].decode()[-2000:] if ended is not None else '-'}")
    # Once its worker is forked: a signal during the fork's own hooks is ignored by Python.
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    while not children.read_text().strip() and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.05)
    process.terminate()
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(scratch.iterdir()) == []



@pytest.mark.parametrize("value", [
    "2026-11-24", "2024-02-29", "2025-02-29", "2026-02-30", "2026-13-01", "2026-1-01",
    "26-11-24", "2026-11-24T10:00", " 2026-11-24", "2026-11-24\n", "２０２６-11-24", "", 20261124,
    "20261124", "2026-W48-2", "2026-328",
])
def test_the_date_check_without_jsonschema_says_what_jsonschema_says(value):
    # Reading a valid scenario skips importing jsonschema; its "date" check is written out.
    from jsonschema import Draft202012Validator

    from matching.validation import _is_date

    assert _is_date(value) == Draft202012Validator.FORMAT_CHECKER.conforms(value, "date")


def test_a_command_over_a_scenario_runs_without_the_collector(tmp_path, capsys, monkeypatch):
    # A large allocation's objects were walked again and again: 0.3 s of its CPU (issue 24).
    from matching import cli, generate_scenario

    path = tmp_path / "s.json"
    path.write_text(json.dumps(generate_scenario(300, 80, seed=6)))
    collections, during, real = [], [], cli._run

    def run_command(args):  # reading the scenario, and the command's work
        collections.clear()
        result = real(args)
        during.append(len(collections))
        return result

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    monkeypatch.setattr(cli, "_run", run_command)
    gc.callbacks.append(count)
    try:
        assert main(["allocate", str(path)]) == 0
        assert gc.isenabled()  # a caller's process gets it back
        assert main(["rank", str(path), "--top", "2"]) == 0
        assert main(["allocate", str(path)], own_process=True) == 0
        assert not gc.isenabled()  # its own process ends next: no collection at the end
    finally:
        gc.callbacks.remove(count)
    assert during == [0, 0, 0]
    outputs = capsys.readouterr().out.splitlines()
    assert outputs[0] == outputs[2] and json.loads(outputs[0])["assignments"]


@pytest.fixture(scope="module")
def allocation_doc():
    from matching import Matcher, allocate, generate_scenario, load_scenario

    doc = allocate(Matcher(load_scenario(generate_scenario(200, 80, seed=3)))).to_dict()
    assert doc["assignments"] and doc["unassigned"]
    # Text json and orjson could escape differently, and a score of 0.
    doc["unassigned"][0]["reason"] += ' — ï \u2028 \x1f \x7f "q" \\ \n'
    doc["assignments"][0]["score"] = 0.0
    return doc


@pytest.mark.parametrize("objective", [None, 0.0, 1e-4, 3e-05, 9.5e15, 2.5e16, -7.25])
def test_the_allocation_document_is_the_one_json_dumps_writes(allocation_doc, objective):
    # orjson writes it in a fifth of the time (issue 24); the bytes must not change.
    from matching.cli import write_allocation

    doc = dict(allocation_doc)
    if objective is not None:
        doc["objective"] = objective
    expected = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    binary = io.BytesIO()
    text = io.TextIOWrapper(binary, encoding="utf-8")
    text.write("before:")
    write_allocation(doc, text)
    text.flush()
    assert binary.getvalue().decode("utf-8") == "before:" + expected
    plain = io.StringIO()  # a stream without a binary buffer beneath
    write_allocation(doc, plain)
    assert plain.getvalue() == expected


def test_a_whole_number_written_with_a_fraction_is_an_integer(example_doc, monkeypatch, capsys):
    # The schema's "integer" (JSON Schema 2020-12) takes 2.0: such a scenario is valid input.
    example_doc["offers"][0]["capacity"] = 2.0
    example_doc["offers"][2]["min_age"] = 18.0
    example_doc["inburgeraars"][0]["birth_year"] = 1991.0
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(example_doc)))
    assert main(["rank", "-", "--inburgeraar", "i1"]) == 0
    out, err = capsys.readouterr()
    matches = json.loads(out)["rankings"][0]["matches"]
    assert "o1" in [m["offer_id"] for m in matches]
    example_doc["offers"][0]["capacity"] = 2.5  # not whole: still refused, naming the field
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(example_doc)))
    assert main(["rank", "-"]) == 2
    assert capsys.readouterr().err.startswith("offers[0].capacity: 2.5 is not")
