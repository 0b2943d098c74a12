"""What the checkers of tests/tools/ share: the command-line driver (files
in, FILE:LINE:COL messages out, exit 0/1/2) and the runner of their tests
(good inputs accepted, broken ones rejected where expected)."""
import contextlib
import importlib.util
import io
import os
import sys
import tempfile


class CheckError(Exception):
    """An error in the checked file at line:col (0:0 for the whole file)."""

    def __init__(self, line, col, msg):
        super().__init__(msg)
        self.line, self.col, self.msg = line, col, msg


def run_files(files, check, what):
    """check(path, text) -> a count of `what` for each file, or CheckError."""
    rc = 0
    for f in files:
        try:
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            print("%s: %s" % (f, e), file=sys.stderr)
            return 2
        try:
            print("%s: ok (%d %s)" % (f, check(f, text), what))
        except CheckError as e:
            print("%s:%d:%d: %s" % (f, e.line, e.col, e.msg), file=sys.stderr)
            rc = 1
    return rc


def load(checker):
    """The checker's module, loaded from its path (its main(argv) is run in-process)."""
    name = os.path.splitext(os.path.basename(checker))[0]
    spec = importlib.util.spec_from_file_location(name, checker)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_main(checker, args):
    """checker's main([checker, *args]): (exit code, what it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        rc = load(checker).main([checker, *args])
    return rc, out.getvalue()


def run_one(checker, name, text, extra=()):
    """Run checker on text saved as NAME in a fresh folder: (exit code, output with NAME for the path)."""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.write(text)
        rc, out = run_main(checker, [*extra, p])
        return rc, out.replace(p, name)


def run_cases(checker, name, good, bad):
    """good: {case: text}; bad: {case: (text, "LINE:COL", message part)}.  The number failed."""
    failed = 0
    for case, text in good.items():
        rc, out = run_one(checker, name, text)
        if rc != 0:
            print("FAIL: good input '%s' rejected: %s" % (case, out.strip()))
            failed += 1
        else:
            print("ok: accepted: %s" % case)
    for case, (text, where, msg) in bad.items():
        rc, out = run_one(checker, name, text)
        if rc != 1 or ("%s:%s:" % (name, where)) not in out or msg not in out:
            print("FAIL: broken input '%s': exit %d, want 1 with '%s:%s: ...%s': %s"
                  % (case, rc, name, where, msg, out.strip()))
            failed += 1
        else:
            print("ok: rejected: %s (%s)" % (case, out.strip()))
    rc, _ = run_main(checker, [])
    if rc != 2:
        print("FAIL: no argument: exit %d, want 2" % rc)
        failed += 1
    return failed


def fuzz(checker, name, seeds, rounds=400):
    """Mutated copies of the seed inputs (deterministic): the checker must
    accept or reject each with a message (exit 0 or 1), never crash or
    hang.  The number of inputs that broke it."""
    import random
    rng = random.Random(20261206)
    pieces = ["{", "}", '"', "'", "`", "#", "\n", " ", "$", "(", ")", ",", ":", "-", "@", "\\", "<#", "#>",
              "{$X}", "@'", "'@", "[", "]", "::", "|", ";", "\t", "\u2019", "0x", "999999"]
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, name)
        for k in range(rounds):
            s = list(rng.choice(seeds))
            for _ in range(rng.randint(1, 6)):
                op = rng.randrange(3)
                at = rng.randrange(len(s) + 1)
                if op == 0:
                    s[at:at] = list(rng.choice(pieces))
                elif op == 1 and s:
                    del s[at:at + rng.randint(1, 8)]
                else:
                    s[at:at] = s[rng.randrange(len(s)):][:rng.randint(1, 20)] if s else []
            with open(p, "w") as f:
                f.write("".join(s))
            try:
                rc, _ = run_main(checker, [p])
            except Exception as e:  # noqa: BLE001 -- any crash is the failure looked for
                rc = "%s: %s" % (type(e).__name__, e)
            if rc not in (0, 1):
                failed += 1
                if failed <= 3:
                    print("FAIL: fuzz input %d broke the checker (%s):\n%s" % (k, rc, "".join(s)))
    print("%s: %d mutated inputs, %d broke it" % ("ok" if not failed else "FAIL", rounds, failed))
    return failed
