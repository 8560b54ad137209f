"""Named checks for the Python end-to-end tests: each runs at once, prints
"ok   NAME" or "FAIL NAME: why", and a failure does not stop the others.

    from checks import check, failures

    @check("a missing token is 401")
    def _():
        assert ...

    sys.exit(1 if failures else 0)
"""

failures = []  # names of the checks that failed, in order


def check(name):
    def wrap(fn):
        try:
            fn()
            print(f"ok   {name}", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failures.append(name)
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        return fn
    return wrap
