"""What the checkers of tests/tools/ share: the command-line driver (files
in, FILE:LINE:COL messages out, exit 0/1/2) and the runner of their tests
(good inputs accepted, broken ones rejected where expected)."""
import os
import subprocess
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


def run_one(checker, name, text, extra=()):
    """Run checker on text saved as NAME in a fresh folder: (exit code, output with NAME for the path)."""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.write(text)
        r = subprocess.run([sys.executable, checker, *extra, p], capture_output=True, text=True)
        return r.returncode, (r.stdout + r.stderr).replace(p, name)


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
    r = subprocess.run([sys.executable, checker], capture_output=True, text=True)
    if r.returncode != 2:
        print("FAIL: no argument: exit %d, want 2" % r.returncode)
        failed += 1
    return failed
