#!/usr/bin/env python3
"""Checks the Kubernetes manifests of ci/k8s/ (run by CTest as k8s.manifests).

  check_k8s.py --openrace BUILD/openrace [--expect KIND,...] MANIFEST...

Every manifest must parse (python3-yaml) and every document have
apiVersion, kind and metadata.name. For every pod template (Pod, Job,
CronJob): every container has resource requests and limits for cpu and
memory; no container is privileged, and Linux containers forbid privilege
escalation (the plain campaign mounts nothing); Jobs have backoffLimit and
activeDeadlineSeconds; CronJobs have concurrencyPolicy Forbid. Every
openrace command line in a container's command, args or shell script names
a command, and only flags that command takes, as `openrace help --json` of
the built binary describes them (strict: the manifests may use only what
that binary has). A pod on Windows
nodes runs its campaign on an emptyDir mounted at C:\\work with --dir
C:\\work and a --control-dir off every mount (the container's scratch
volume). An Indexed Job passes $JOB_COMPLETION_INDEX in --seed and in --out
(each shard its own directory). A PersistentVolumeClaim shared by the
shards is ReadWriteMany.

Memory: a container that runs `openrace campaign` gives --jobs, and its
memory limit holds --jobs x --worker-rss-limit (the flag's default from
--help when not given), the supervisor (SUPERVISOR_BYTES) and every
memory-backed emptyDir it mounts (a tmpfs counts against the pod's
memory): otherwise the kernel kills the whole pod before the supervisor
can restart the worker that grew. Findings: a Job that runs a campaign
(or merges one) fails on exit status 1, "found", with a podFailurePolicy
FailJob rule, and no script maps that status to success; a night with
findings must show as a failed Job, not pass green.

--expect windows-cronjob,linux-cronjob,indexed-job,merge requires the set of
manifests to hold each of those. Prints one line per problem and exits 1 if
there is any, 0 otherwise (2 on bad usage).
"""

import argparse
import json
import ntpath
import re
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("check_k8s.py: python3-yaml is missing (ci/install.sh installs it)")
    sys.exit(2)

# The supervisor of `openrace campaign`, `openrace doctor` before it, and
# headroom: ci/campaign_memory.sh measures about 20 MB resident for the
# supervisor and two workers together.
SUPERVISOR_BYTES = 256 * 2**20
# A script line that turns the campaign's "found" into success.
FINDINGS_TO_SUCCESS = re.compile(
    r"(-eq|==)\s*1\s*\]?\s*(&&|\)\s*\{|;\s*then)\s*exit\s+0\b")

OPENRACE_BINARY = re.compile(r"(^|[/\\])openrace(\.exe)?$", re.IGNORECASE)
# Ends an openrace command inside a shell script.
COMMAND_END = {";", "|", "||", "&&", "&", ")", "}", "then", "do"}


def help_vocabulary(openrace):
    """{command: (its flags, its boolean flags, {flag: default})} from
    `openrace help --json`, flag names with underscores."""
    try:
        text = subprocess.run([openrace, "help", "--json"], capture_output=True,
                              text=True, check=True, timeout=60).stdout
        described = json.loads(text)
    except (OSError, subprocess.SubprocessError, ValueError) as error:
        print(f"check_k8s.py: cannot run {openrace} help --json: {error}")
        sys.exit(2)
    vocabulary = {}
    for command in described.get("commands") or []:
        flags = {f["name"].replace("-", "_") for f in command.get("flags") or []}
        bools = {f["name"].replace("-", "_") for f in command.get("flags") or []
                 if f.get("type") == "bool"}
        defaults = {f["name"].replace("-", "_"): f.get("default", "")
                    for f in command.get("flags") or []}
        vocabulary[command.get("name")] = (flags, bools, defaults)
    if not vocabulary:
        print(f"check_k8s.py: {openrace} help --json describes no commands")
        sys.exit(2)
    return vocabulary


def openrace_size(text):
    """Bytes of an openrace size flag ("512M", "2G", "1048576"), or None."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMGTkmgt]?)\s*", str(text))
    if not match:
        return None
    return int(match.group(1)) * 1024 ** " KMGT".index((match.group(2) or " ").upper())


def quantity(text):
    """Bytes of a Kubernetes quantity ("2Gi", "512Mi", "1G", "1e9"), or None."""
    match = re.fullmatch(r"\s*([0-9.]+(?:[eE][0-9]+)?)\s*(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?\s*",
                         str(text))
    if not match:
        return None
    scale = {None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
             "E": 1e18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
             "Pi": 2**50, "Ei": 2**60}[match.group(2)]
    return float(match.group(1)) * scale


def mebibytes(n):
    return f"{n / 2**30:.3g}Gi" if n >= 2**30 else f"{n / 2**20:.4g}Mi"


def script_lines(text):
    """Lines of a script with continuations (\\ in sh, ` in PowerShell)
    joined."""
    lines, current = [], ""
    for line in text.splitlines():
        stripped = line.rstrip()
        if stripped.endswith("\\") or stripped.endswith("`"):
            current += stripped[:-1] + " "
        else:
            lines.append(current + line)
            current = ""
    if current:
        lines.append(current)
    return lines


def tokens_of(line):
    tokens = re.findall(r'"[^"]*"|\'[^\']*\'|[^\s;|&]+|[;|&]+', line)
    return [t[1:-1] if len(t) > 1 and t[0] == t[-1] and t[0] in "\"'" else t
            for t in tokens]


def openrace_invocations(container):
    """Each openrace command line of a container, as a list of arguments
    after the binary, from command + args or from the scripts in them."""
    argv = list(container.get("command") or []) + list(container.get("args") or [])
    found = []
    if argv and OPENRACE_BINARY.search(str(argv[0])):
        found.append([str(a) for a in argv[1:]])
    for text in argv:
        text = str(text)
        if "\n" not in text and not re.search(r"\s", text):
            continue
        for line in script_lines(text):
            if line.lstrip().startswith("#"):
                continue
            words = tokens_of(line)
            for i, word in enumerate(words):
                if OPENRACE_BINARY.search(word) and not word.startswith("-"):
                    args = []
                    for arg in words[i + 1:]:
                        if arg in COMMAND_END:
                            break
                        args.append(arg)
                    found.append(args)
    return found


def flag_values(args):
    """{flag name with underscores: value or True}, and the positionals."""
    flags, positionals, i = {}, [], 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            name, _, value = arg[2:].partition("=")
            name = name.replace("-", "_")
            if not value and i + 1 < len(args) and not args[i + 1].startswith("--"):
                value = args[i + 1]
                i += 1
            flags[name] = value if value else True
        else:
            positionals.append(arg)
        i += 1
    return flags, positionals


def check_invocation(where, args, vocabulary, problems):
    words = [a for a in args if not a.startswith("-")]
    command = words[0] if words else ""
    if command not in vocabulary:
        problems.append(f"{where}: openrace command '{command}'"
                        f" is not one `openrace help` lists ({', '.join(sorted(vocabulary))})")
        return
    flags, bools, _ = vocabulary[command]
    for arg in args:
        if arg == "--":
            break
        if arg.startswith("--"):
            name = arg[2:].partition("=")[0].replace("-", "_")
            known = name in flags or (name.startswith("no_") and name[3:] in bools) \
                or (name.startswith("no") and name[2:] in bools)
            if not known:
                problems.append(f"{where}: unknown flag --{arg[2:].partition('=')[0]}"
                                f" (`openrace {command}` does not take it)")


def check_memory(where, container, pod, invocations, defaults, problems):
    """A campaign's workers, its supervisor and its tmpfs fit the limit."""
    name = container.get("name")
    limit_text = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    limit = quantity(limit_text) if limit_text else None
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    tmpfs, tmpfs_names = 0, []
    for mount in container.get("volumeMounts") or []:
        empty_dir = (volumes.get(mount.get("name")) or {}).get("emptyDir")
        if not isinstance(empty_dir, dict) or empty_dir.get("medium") != "Memory":
            continue
        size = quantity(empty_dir.get("sizeLimit")) if empty_dir.get("sizeLimit") else None
        if size is None:
            problems.append(f"{where}: container {name}: the memory emptyDir"
                            f" {mount.get('name')} has no sizeLimit; what it holds counts"
                            " against the pod's memory limit")
            continue
        tmpfs += size
        tmpfs_names.append(mount.get("name"))
    for args in invocations:
        if not args or args[0] != "campaign":
            continue
        flags, _ = flag_values(args)
        jobs = flags.get("jobs")
        if not isinstance(jobs, str) or not jobs:
            problems.append(f"{where}: container {name} runs `openrace campaign` without"
                            " --jobs: it would start a worker per CPU of the node, not of"
                            " the pod, and its memory could not be bounded; give --jobs")
            continue
        if not jobs.isdigit() or int(jobs) < 1:
            problems.append(f"{where}: container {name}: --jobs {jobs} is not a number"
                            " of workers this check can add up")
            continue
        rss_text = flags.get("worker_rss_limit", defaults.get("worker_rss_limit"))
        rss = openrace_size(rss_text)
        if rss is None:
            problems.append(f"{where}: container {name}: --worker-rss-limit {rss_text}"
                            " is not a size like 512M")
            continue
        if limit is None:
            continue  # reported as a missing or malformed limit
        need = int(jobs) * rss + SUPERVISOR_BYTES + tmpfs
        if limit < need:
            memory = (f" + {mebibytes(tmpfs)} of memory emptyDir"
                      f" ({', '.join(tmpfs_names)})" if tmpfs else "")
            problems.append(
                f"{where}: container {name}: memory limit {limit_text} is below what its"
                f" campaign may use: --jobs {jobs} x --worker-rss-limit {rss_text}"
                f" + {mebibytes(SUPERVISOR_BYTES)} for the supervisor{memory}"
                f" = {mebibytes(need)}; the kernel would kill the pod before the"
                " supervisor restarts a worker (lower --worker-rss-limit or raise"
                " the limit)")


def fails_on_findings(job, containers):
    """Whether the Job's podFailurePolicy fails it on exit status 1."""
    names = {c.get("name") for c in containers}
    for rule in (job.get("podFailurePolicy") or {}).get("rules") or []:
        codes = rule.get("onExitCodes") or {}
        if rule.get("action") == "FailJob" and codes.get("operator") == "In" and \
                1 in (codes.get("values") or []) and \
                codes.get("containerName", next(iter(names), None)) in names:
            return True
    return False


def pod_templates(doc):
    """(pod spec, job spec or None, cronjob spec or None) of a document."""
    kind = doc.get("kind")
    spec = doc.get("spec") or {}
    if kind == "CronJob":
        job = (spec.get("jobTemplate") or {}).get("spec") or {}
        return [((job.get("template") or {}).get("spec") or {}, job, spec)]
    if kind == "Job":
        return [((spec.get("template") or {}).get("spec") or {}, spec, None)]
    if kind == "Pod":
        return [(spec, None, None)]
    return []


def win_path(path):
    return ntpath.normcase(ntpath.normpath(str(path).strip('"').replace("/", "\\")))


def under(path, root):
    path, root = win_path(path), win_path(root)
    return path == root or path.startswith(root.rstrip("\\") + "\\")


def check_windows_pod(where, pod, invocations, problems):
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for container in pod.get("containers") or []:
        mounts = container.get("volumeMounts") or []
        runs = [a for a in invocations[container.get("name")]
                if a and a[0] in ("run", "campaign")]
        if not runs:
            continue
        work = [m for m in mounts if win_path(m.get("mountPath", "")) == win_path("C:\\work")]
        if not work or "emptyDir" not in volumes.get(work[0].get("name"), {}):
            problems.append(f"{where}: a Windows campaign needs an emptyDir at C:\\work")
        for args in runs:
            flags, _ = flag_values(args)
            if win_path(flags.get("dir", "")) != win_path("C:\\work"):
                problems.append(f"{where}: the Windows campaign must run with --dir C:\\work"
                                f" (has --dir {flags.get('dir')})")
            control = flags.get("control_dir")
            if not isinstance(control, str) or not control:
                problems.append(f"{where}: the Windows campaign needs --control-dir on the"
                                " container's scratch volume")
                continue
            for m in mounts:
                if under(control, m.get("mountPath", "")):
                    problems.append(f"{where}: --control-dir {control} is on the volume mounted"
                                    f" at {m.get('mountPath')}; it must be on the container's"
                                    " scratch volume (no mount)")


def check_indexed_job(where, job, invocations, problems):
    runs = [a for args in invocations.values() for a in args
            if a and a[0] in ("run", "campaign")]
    if not runs:
        problems.append(f"{where}: the Indexed Job runs no openrace campaign")
    for args in runs:
        flags, _ = flag_values(args)
        for flag in ("seed", "out"):
            if "JOB_COMPLETION_INDEX" not in str(flags.get(flag, "")):
                problems.append(f"{where}: the Indexed Job must pass $JOB_COMPLETION_INDEX"
                                f" in --{flag.replace('_', '-')} (has {flags.get(flag)})")
    for key in ("completions", "parallelism"):
        if not isinstance(job.get(key), int) or job[key] < 1:
            problems.append(f"{where}: the Indexed Job needs {key}")


def check_document(where, doc, vocabulary, problems, seen):
    for key in ("apiVersion", "kind"):
        if not doc.get(key):
            problems.append(f"{where}: no {key}")
    if not (doc.get("metadata") or {}).get("name"):
        problems.append(f"{where}: no metadata.name")
    where = f"{where} ({doc.get('kind')} {(doc.get('metadata') or {}).get('name')})"
    if doc.get("kind") == "PersistentVolumeClaim":
        seen.setdefault("claims", {})[(doc.get("metadata") or {}).get("name")] = \
            (where, (doc.get("spec") or {}).get("accessModes") or [])
    for pod, job, cron in pod_templates(doc):
        if cron is not None and cron.get("concurrencyPolicy") != "Forbid":
            problems.append(f"{where}: concurrencyPolicy must be Forbid (a night's"
                            " campaign must not overlap the next)")
        if job is not None:
            for key in ("backoffLimit", "activeDeadlineSeconds"):
                if not isinstance(job.get(key), int):
                    problems.append(f"{where}: the Job needs {key}")
        os_name = (pod.get("nodeSelector") or {}).get("kubernetes.io/os")
        containers = list(pod.get("containers") or []) + list(pod.get("initContainers") or [])
        if not containers:
            problems.append(f"{where}: no containers")
        invocations = {}
        for c in containers:
            name = c.get("name")
            resources = c.get("resources") or {}
            for part in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if not (resources.get(part) or {}).get(resource):
                        problems.append(f"{where}: container {name} has no resources."
                                        f"{part}.{resource}")
            security = c.get("securityContext") or {}
            if security.get("privileged"):
                problems.append(f"{where}: container {name} is privileged; the campaign"
                                " mounts nothing and needs no privilege")
            if os_name != "windows" and security.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: container {name} must set"
                                " allowPrivilegeEscalation: false")
            invocations[name] = openrace_invocations(c)
            for args in invocations[name]:
                check_invocation(f"{where}: container {name}", args, vocabulary, problems)
            check_memory(where, c, pod, invocations[name],
                         vocabulary.get("campaign", (set(), set(), {}))[2], problems)
            for text in list(c.get("command") or []) + list(c.get("args") or []):
                if FINDINGS_TO_SUCCESS.search(str(text)):
                    problems.append(f"{where}: container {name} maps exit status 1"
                                    " (findings) to success: a night with findings"
                                    " must fail its Job")
        if not any(invocations.values()):
            problems.append(f"{where}: no container runs openrace")
        if os_name == "windows":
            check_windows_pod(where, pod, invocations, problems)
        if job is not None and job.get("completionMode") == "Indexed":
            check_indexed_job(where, job, invocations, problems)
            for v in pod.get("volumes") or []:
                claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
                if claim:
                    seen.setdefault("shared_claims", []).append((where, claim))
        commands = {a[0] for args in invocations.values() for a in args if a}
        if job is not None and commands & {"run", "campaign", "merge"} and \
                not fails_on_findings(job, containers):
            problems.append(f"{where}: exit status 1 (findings) must fail the Job:"
                            " podFailurePolicy needs a FailJob rule onExitCodes In [1]"
                            " (a night with findings shows red, and is not retried)")
        kind = doc.get("kind")
        if kind == "CronJob" and os_name in ("windows", "linux") and \
                commands & {"run", "campaign"}:
            seen.setdefault("expect", set()).add(f"{os_name}-cronjob")
        if job is not None and job.get("completionMode") == "Indexed":
            seen.setdefault("expect", set()).add("indexed-job")
        if "merge" in commands:
            seen.setdefault("expect", set()).add("merge")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openrace", required=True, help="the built openrace")
    parser.add_argument("--expect", default="",
                        help="comma-separated: windows-cronjob, linux-cronjob, "
                             "indexed-job, merge")
    parser.add_argument("manifests", nargs="+")
    options = parser.parse_args()
    vocabulary = help_vocabulary(options.openrace)
    problems, seen = [], {}
    for path in options.manifests:
        try:
            with open(path, encoding="utf-8") as f:
                docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except (OSError, yaml.YAMLError) as error:
            problems.append(f"{path}: does not parse: {' '.join(str(error).split())}")
            continue
        if not docs:
            problems.append(f"{path}: holds no document")
        for index, doc in enumerate(docs):
            if not isinstance(doc, dict):
                problems.append(f"{path}: document {index + 1} is not a mapping")
                continue
            check_document(f"{path}#{index + 1}", doc, vocabulary, problems, seen)
    claims = seen.get("claims", {})
    for where, claim in seen.get("shared_claims", []):
        if claim in claims and "ReadWriteMany" not in claims[claim][1]:
            problems.append(f"{claims[claim][0]}: the shards share it: it must be"
                            " ReadWriteMany")
    for wanted in filter(None, options.expect.split(",")):
        if wanted not in seen.get("expect", set()):
            problems.append(f"the manifests hold no {wanted}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_k8s.py: {len(problems)} problem(s)")
        return 1
    print(f"check_k8s.py: {len(options.manifests)} manifest(s) ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
