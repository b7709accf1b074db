#!/usr/bin/env python3
"""Checks the structure of the CI recipes in ci/examples/ (CTest ci.examples).

They cannot run here (no GitHub or GitLab runner), so this checks what can
be checked without one:
  - both parse as YAML and have the keys their CI needs (GitHub Actions:
    on, jobs, runs-on, steps; GitLab CI: a job with image, script and
    artifacts);
  - each has exactly one `openrace replay` command line, with --check and
    --junit, and every flag it uses is one `openrace replay --help` lists;
  - the JUnit file it writes is the one uploaded: GitHub's
    actions/upload-artifact path holds it and the test reporter reads it;
    GitLab's artifacts:reports:junit names it (and artifacts are kept
    `when: always`, so a failing replay still reports).
Then it breaks copies of the recipes in the ways it guards against and
checks that each is caught, so this script cannot pass vacuously.

  ci/check_ci_examples.py OPENRACE EXAMPLES_DIR
"""

import copy
import fnmatch
import os
import re
import shlex
import subprocess
import sys

import yaml


def help_flags(openrace):
    """The flag names `openrace replay --help` lists, with '_' for '-'."""
    out = subprocess.run([openrace, "replay", "--help"], capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"FAIL: `openrace replay --help` exited {out.returncode}: "
                 f"{out.stderr}")
    flags = {m.replace("-", "_")
             for m in re.findall(r"--([a-z][a-z0-9_-]*)", out.stdout)}
    if "check" not in flags or "junit" not in flags:
        sys.exit("FAIL: `openrace replay --help` lists neither --check nor "
                 "--junit:\n" + out.stdout)
    return flags


def replay_commands(script):
    """The `openrace replay` command lines in a shell script, as tokens."""
    if isinstance(script, list):
        script = "\n".join(script)
    commands = []
    # A `\`-newline continues the line.
    for line in script.replace("\\\n", " ").splitlines():
        try:
            tokens = shlex.split(line, comments=True)
        except ValueError:
            continue
        for i in range(len(tokens) - 1):
            if (os.path.basename(tokens[i]) == "openrace"
                    and tokens[i + 1] == "replay"):
                commands.append(tokens[i + 2:])
                break
    return commands


def check_replay(where, tokens, flags):
    """Errors in one replay command line; and its --junit path."""
    errors = []
    given = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("-") and token != "-":
            name, eq, value = token.lstrip("-").partition("=")
            name = name.replace("-", "_")
            if name not in flags:
                errors.append(f"{where}: --{name} is not a flag "
                              "`openrace replay --help` lists")
            if not eq and i + 1 < len(tokens) and \
                    not tokens[i + 1].startswith("-"):
                value = tokens[i + 1]
            given[name] = value
        i += 1
    for required in ("check", "junit", "dir"):
        if required not in given:
            errors.append(f"{where}: the replay has no --{required}")
    junit = given.get("junit") or ""
    if "junit" in given and (not junit or "$" in junit):
        errors.append(f"{where}: --junit needs a literal path (got "
                      f"'{junit}'), so the upload can be checked against it")
    return errors, junit


def normal(path):
    return os.path.normpath(path.rstrip("/")) if path else ""


def covers(upload, junit):
    """Whether an upload path (file, directory or glob) includes `junit`."""
    upload, junit = normal(upload), normal(junit)
    return (upload == junit or fnmatch.fnmatch(junit, upload)
            or junit.startswith(upload + "/"))


def check_github(doc, flags):
    errors = []
    if not isinstance(doc, dict):
        return ["github-actions.yml: not a mapping"]
    # PyYAML reads the key `on` as the boolean true.
    if "on" not in doc and True not in doc:
        errors.append("github-actions.yml: no `on:` trigger")
    for key in ("name", "jobs"):
        if key not in doc:
            errors.append(f"github-actions.yml: no `{key}:`")
    jobs = doc.get("jobs") or {}
    if not isinstance(jobs, dict) or not jobs:
        return errors + ["github-actions.yml: `jobs:` has no job"]
    replays = []
    for name, job in jobs.items():
        where = f"github-actions.yml: job {name}"
        if not isinstance(job, dict):
            errors.append(f"{where}: not a mapping")
            continue
        if "runs-on" not in job:
            errors.append(f"{where}: no `runs-on:`")
        steps = job.get("steps")
        if not isinstance(steps, list) or not steps:
            errors.append(f"{where}: no `steps:`")
            continue
        uses = {}
        for step in steps:
            if not isinstance(step, dict) or ("uses" in step) == ("run" in step):
                errors.append(f"{where}: a step needs one of `uses:` or `run:`: {step}")
                continue
            if "uses" in step:
                action = str(step["uses"])
                if "@" not in action:
                    errors.append(f"{where}: {action} is not pinned (@version)")
                uses.setdefault(action.split("@")[0], []).append(step)
            else:
                for tokens in replay_commands(str(step["run"])):
                    replays.append((where, tokens, uses))
        if "actions/checkout" not in uses:
            errors.append(f"{where}: no actions/checkout step")
    if len(replays) != 1:
        return errors + [f"github-actions.yml: {len(replays)} `openrace replay` "
                         "command lines; expected one"]
    where, tokens, uses = replays[0]
    more, junit = check_replay(where, tokens, flags)
    errors += more
    # The steps after the replay: `uses` was filled step by step, so look
    # at the whole job again for the upload and the reporter.
    job_steps = [s for j in jobs.values() if isinstance(j, dict)
                 for s in (j.get("steps") or []) if isinstance(s, dict)]
    uploads = [s for s in job_steps
               if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    reporters = [s for s in job_steps
                 if "test-reporter" in str(s.get("uses", ""))
                 or "junit-report" in str(s.get("uses", ""))]
    if not uploads:
        errors.append(f"{where}: no actions/upload-artifact step")
    if not reporters:
        errors.append(f"{where}: no test reporter step (dorny/test-reporter "
                      "or mikepenz/action-junit-report)")
    for step in uploads + reporters:
        if str(step.get("if", "")).replace(" ", "") not in ("always()",
                                                            "${{always()}}"):
            errors.append(f"{where}: step {step.get('uses')} needs "
                          "`if: always()`, or a failing replay skips it")
    for step in uploads:
        paths = str((step.get("with") or {}).get("path", "")).split("\n")
        if junit and not any(covers(p.strip(), junit) for p in paths if p.strip()):
            errors.append(f"{where}: actions/upload-artifact uploads {paths}, "
                          f"not the JUnit report {junit}")
    for step in reporters:
        options = step.get("with") or {}
        path = str(options.get("path") or options.get("report_paths") or "")
        if junit and not any(covers(p.strip(), junit)
                             for p in path.split(",") if p.strip()):
            errors.append(f"{where}: the test reporter reads '{path}', not "
                          f"the JUnit report {junit}")
        if "dorny/test-reporter" in str(step.get("uses")) and \
                options.get("reporter") != "java-junit":
            errors.append(f"{where}: dorny/test-reporter needs "
                          "`reporter: java-junit`")
    return errors


# Top-level keys of .gitlab-ci.yml that are not jobs.
GITLAB_KEYWORDS = {"default", "include", "stages", "variables", "workflow",
                   "image", "services", "cache", "before_script",
                   "after_script"}


def check_gitlab(doc, flags):
    errors = []
    if not isinstance(doc, dict):
        return ["gitlab-ci.yml: not a mapping"]
    jobs = {k: v for k, v in doc.items()
            if k not in GITLAB_KEYWORDS and not str(k).startswith(".")}
    stages = doc.get("stages") or ["build", "test", "deploy"]
    replays = []
    for name, job in jobs.items():
        where = f"gitlab-ci.yml: job {name}"
        if not isinstance(job, dict) or "script" not in job:
            errors.append(f"{where}: a job needs `script:`")
            continue
        if job.get("stage", "test") not in stages:
            errors.append(f"{where}: stage {job.get('stage')} is not in "
                          f"stages {stages}")
        if "image" not in job and "image" not in doc:
            errors.append(f"{where}: no `image:`")
        script = job.get("script")
        for tokens in replay_commands(script if isinstance(script, list)
                                      else [script]):
            replays.append((where, tokens, job))
    if len(replays) != 1:
        return errors + [f"gitlab-ci.yml: {len(replays)} `openrace replay` "
                         "command lines; expected one"]
    where, tokens, job = replays[0]
    more, junit = check_replay(where, tokens, flags)
    errors += more
    artifacts = job.get("artifacts") or {}
    if artifacts.get("when") != "always":
        errors.append(f"{where}: artifacts need `when: always`, or a failing "
                      "replay keeps no report")
    reports = (artifacts.get("reports") or {}).get("junit")
    if not reports:
        errors.append(f"{where}: no artifacts:reports:junit")
    else:
        reports = reports if isinstance(reports, list) else [reports]
        if junit and not any(covers(str(r), junit) for r in reports):
            errors.append(f"{where}: artifacts:reports:junit is {reports}, "
                          f"not the JUnit report {junit}")
    return errors


def check(github, gitlab, flags):
    return check_github(github, flags) + check_gitlab(gitlab, flags)


def replace_in_scripts(doc, old, new):
    """`doc` with `old` replaced by `new` in every string."""
    if isinstance(doc, dict):
        return {k: replace_in_scripts(v, old, new) for k, v in doc.items()}
    if isinstance(doc, list):
        return [replace_in_scripts(v, old, new) for v in doc]
    if isinstance(doc, str):
        return doc.replace(old, new)
    return doc


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    openrace, examples = sys.argv[1], sys.argv[2]
    flags = help_flags(openrace)
    with open(os.path.join(examples, "github-actions.yml")) as f:
        github = yaml.safe_load(f)
    with open(os.path.join(examples, "gitlab-ci.yml")) as f:
        gitlab = yaml.safe_load(f)
    errors = check(github, gitlab, flags)
    for e in errors:
        print("FAIL:", e)
    if errors:
        sys.exit(1)
    print("ok: ci/examples/github-actions.yml and gitlab-ci.yml")

    # Each way of breaking them is caught.
    job = next(iter(github["jobs"]))
    broken = []
    g = copy.deepcopy(github)
    g["jobs"][job]["steps"] = [s for s in g["jobs"][job]["steps"]
                               if "upload-artifact" not in str(s.get("uses"))]
    broken.append(("no upload step", g, gitlab))
    broken.append(("an unknown flag",
                   replace_in_scripts(github, "--check", "--check --no-such-flag"),
                   gitlab))
    broken.append(("no --junit", github,
                   replace_in_scripts(gitlab, "--junit openrace-reports/openrace-corpus.xml", "")))
    broken.append(("the JUnit file is not the one uploaded",
                   replace_in_scripts(github, "--junit openrace-reports/",
                                      "--junit elsewhere/"),
                   gitlab))
    gl = copy.deepcopy(gitlab)
    for v in gl.values():
        if isinstance(v, dict) and "artifacts" in v:
            v["artifacts"]["reports"]["junit"] = "other.xml"
    broken.append(("GitLab reports another file", github, gl))
    broken.append(("no --check",
                   replace_in_scripts(github, "--check", ""), gitlab))
    g = copy.deepcopy(github)
    g.pop(True, None)
    g.pop("on", None)
    broken.append(("no trigger", g, gitlab))
    for name, g, gl in broken:
        found = check(g, gl, flags)
        if not found:
            sys.exit(f"FAIL: the check misses a broken recipe: {name}")
        print(f"ok: caught {name}: {found[0]}")


if __name__ == "__main__":
    main()
