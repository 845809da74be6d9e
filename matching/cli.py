"""The command line: ``python -m matching rank|allocate|graph|generate|evaluate``.

One JSON document goes to standard output; progress and errors go to standard
error. Bad input exits with status 2 and one line naming object and field.
"""

import argparse
import ctypes
import gc
import json
import sys
import time

import orjson

from matching import vocab
from matching.errors import MatchingError
from matching.ranking import Matcher
from matching.scenario import read_scenario

# The evaluation's worlds (matching.evaluation.simulator.WORLDS), named here so that
# the other commands need not import the harness.
WORLD_NAMES = ("standard", "partners", "drifting")

__all__ = ["main", "write_allocation", "write_rankings"]

# glibc's mallopt options (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a whole number >= 1")
    return value


def _count(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is not a whole number >= 0")
    return value


def _parser():
    parser = argparse.ArgumentParser(prog="python -m matching",
                                     description="The Wegwijs matching engine.")
    commands = parser.add_subparsers(dest="command", required=True)
    rank = commands.add_parser("rank", help="eligible offers per inburgeraar, best first")
    rank.add_argument("scenario", help="scenario JSON file, or - for standard input")
    rank.add_argument("--inburgeraar", help="only this inburgeraar")
    rank.add_argument("--domain", choices=vocab.DOMAINS)
    rank.add_argument("--top", type=_positive, default=10)
    alloc = commands.add_parser("allocate", help="the optimal allocation of places")
    alloc.add_argument("scenario")
    alloc.add_argument("--domain", choices=vocab.DOMAINS)
    graph = commands.add_parser("graph", help="summary of the coalition graph")
    graph.add_argument("scenario")
    gen = commands.add_parser("generate", help="write a synthetic scenario")
    gen.add_argument("--people", type=_count, required=True)
    gen.add_argument("--offers", type=_count, required=True)
    gen.add_argument("--seed", type=int, default=0)
    ev = commands.add_parser("evaluate", help="Wegwijs against an oracle and simple rules, "
                                              "in a simulator")
    ev.add_argument("--seed", type=int, required=True)
    ev.add_argument("--cohorts", type=_positive, default=20)
    ev.add_argument("--people", type=_positive,
                    help="people per cohort (default 500), or per week with --dynamic (80)")
    ev.add_argument("--offers", type=_positive, default=300, help="offers of the coalition")
    ev.add_argument("--history", type=_positive, default=2000, help="people in the history")
    ev.add_argument("--world", choices=["all", *WORLD_NAMES], default="all",
                    help="the simulator's hidden truth (default: every world)")
    ev.add_argument("--out", help="folder for report.md and the figures")
    ev.add_argument("--dynamic", action="store_true",
                    help="places over time: weekly arrivals, online with a forecast against "
                         "myopic and hindsight")
    ev.add_argument("--weeks", type=_positive, default=12, help="with --dynamic: the horizon")
    ev.add_argument("--lookback", type=_positive, default=4,
                    help="with --dynamic: weeks of arrivals before the horizon, the first "
                         "forecast's data")
    ev.add_argument("--window", type=_positive, default=None,
                    help="with --dynamic: the forecast resamples the arrivals of this many "
                         "last weeks (default: all so far)")
    return parser


def _run(args):
    # Each command imports what only it needs: rank need not load the solvers nor networkx.
    if args.command == "generate":
        from matching.generate import generate_scenario

        return generate_scenario(args.people, args.offers, seed=args.seed)
    if args.command == "evaluate":
        return _evaluate(args)
    scenario = read_scenario(sys.stdin if args.scenario == "-" else args.scenario)
    if args.command == "graph":
        from matching.coalition import graph_summary

        return graph_summary(scenario)
    # allocate fits the model while a worker starts finding pairs (matching.parallel).
    matcher = Matcher(scenario, check=False, fit_later=args.command == "allocate")
    if args.command == "rank":
        return matcher.rankings(args.inburgeraar, domain=args.domain, top=args.top)
    from matching.allocation import allocate

    return allocate(matcher, domain=args.domain).to_dict()


def _reuse_freed_memory():
    """Let glibc's malloc keep the memory this process frees, for its next arrays (nothing
    where there is no glibc).

    An allocation makes arrays of millions of arcs domain after domain; by
    default each large one is mapped anew and every page faulted in (zeroed)
    again: 5 times the page faults, a tenth of the CPU time. What is kept is
    what the next domain takes again: the measured peak did not grow (a
    fragmented heap could make it).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    for option, value in ((_M_MMAP_MAX, 0), (_M_TRIM_THRESHOLD, 2**31 - 1)):
        libc.mallopt(option, value)


def _evaluate(args):
    # Imported here: the harness is only for this command.
    from matching.evaluation import evaluate, summary, write_report

    if args.dynamic:
        return _evaluate_dynamic(args)
    args.people = args.people or 500
    worlds = list(WORLD_NAMES) if args.world == "all" else [args.world]
    results = {world: evaluate(args.seed, cohorts=args.cohorts, people=args.people,
                               offers=args.offers, history=args.history, world=world,
                               progress=lambda m: print(m, file=sys.stderr))
               for world in worlds}
    if args.out is not None:
        print(f"report written to {write_report(results, args.out)}", file=sys.stderr)
    return summary(results)


def _evaluate_dynamic(args):
    from matching.evaluation.dynamic import evaluate_dynamic

    say = lambda m: print(m, file=sys.stderr)  # noqa: E731
    worlds = list(WORLD_NAMES) if args.world == "all" else [args.world]
    results = {world: evaluate_dynamic(args.seed, weeks=args.weeks, people=args.people or 80,
                                       offers=args.offers, history=args.history,
                                       lookback=args.lookback, window=args.window, world=world,
                                       progress=say)
               for world in worlds}
    for world, r in results.items():
        v = r["value"]
        say(f"{world}: need x true chance over {args.weeks} weeks: hindsight "
            f"{v['hindsight']:.1f}, online with forecast {v['online']:.1f} "
            f"({r['ratio']['online/hindsight']:.1%} of hindsight), with potentials "
            f"{v['potentials']:.1f} ({r['ratio']['potentials/hindsight']:.1%}), stochastic "
            f"{v['stochastic']:.1f} ({r['ratio']['stochastic/hindsight']:.1%}), with the "
            f"arrivals' true distribution {v['informed']:.1f} "
            f"({r['ratio']['informed/hindsight']:.1%}), myopic {v['myopic']:.1f} "
            f"({r['ratio']['myopic/hindsight']:.1%})")
    return results


def write_rankings(rankings, out, chunk=500):
    """Write ``rank``'s document to the text stream ``out``, ``chunk`` people at a time.

    The same bytes as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
    would give, in a fraction of its time and without the whole document as one
    string: orjson escapes strings as json does, and writes floats as json does
    from 1e-4 up (below, 0.00001 for 1e-05), where every score and component is,
    rounded to 4 decimals.
    """
    binary = getattr(out, "buffer", None)
    if binary is not None:
        out.flush()
    write = binary.write if binary is not None else lambda b: out.write(b.decode())
    write(b'{"rankings":[')
    for start in range(0, len(rankings), chunk):
        pieces = [orjson.dumps(entry) for entry in rankings[start:start + chunk]]
        write((b"," if start else b"") + b",".join(pieces))
    write(b"]}\n")
    if binary is not None:
        binary.flush()


def write_allocation(allocation, out):
    """Write ``allocate``'s document to the text stream ``out``.

    The same bytes as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``
    would give, in a fifth of its time: orjson escapes strings as json does, and
    writes floats as json does from 1e-4 up to 1e16, where the scores (rounded to 4
    decimals) are; an objective out of that range goes through json.
    """
    objective = allocation["objective"]
    if objective != 0 and not 1e-4 <= abs(objective) < 1e16:
        out.write(json.dumps(allocation, ensure_ascii=False, separators=(",", ":")) + "\n")
        return
    text = orjson.dumps(allocation) + b"\n"
    binary = getattr(out, "buffer", None)
    if binary is None:
        out.write(text.decode())
        return
    out.flush()
    binary.write(text)
    binary.flush()


def main(argv=None, own_process=False):
    """Run the command line; returns the exit status.

    ``own_process``: the process is the command's alone (``python -m matching``),
    so allocate may tune glibc's malloc for itself (:func:`_reuse_freed_memory`), and
    the cycle collector, paused for the command, stays so to the process's end.

    Examples
    --------
    >>> main(["graph", "no-such-file.json"])
    2
    """
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    if own_process and args.command == "allocate":
        _reuse_freed_memory()
    # A command over a scenario makes its objects (a million for a large one) to keep them
    # to its end, and few cycles: without the collector, nothing walks them again and again
    # (0.3 s of a large allocation's CPU), nor does a forked worker copy their pages by
    # marking them. Its own process ends without it; a caller gets it back as it was.
    collecting = gc.isenabled() and args.command != "evaluate"
    if collecting:
        gc.disable()
    try:
        result = _run(args)
        if args.command == "rank":
            write_rankings(result["rankings"], sys.stdout)
        elif args.command == "allocate":
            write_allocation(result, sys.stdout)
        else:
            # dumps uses the C encoder; dump would encode chunk by chunk in Python.
            sys.stdout.write(json.dumps(result, ensure_ascii=False, separators=(",", ":"))
                             + "\n")
    except MatchingError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        if collecting and not own_process:
            gc.enable()
    print(f"{args.command}: done in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0
