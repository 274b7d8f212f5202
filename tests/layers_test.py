#!/usr/bin/env python3
"""The #include graph of clmis against src/layers.txt.

Every file under src/<layer>/, every public header of include/clmis/ and every file of a face
(bindings/python/src/) may include only its own layer and the layers src/layers.txt lists for it.
Fails, naming file, line and edge, on any other edge: an upward include, an include of a layer or
directory layers.txt does not know, a public header that includes an internal one, a path with
"..". The layers file itself must list each layer's layers before it (so the graph has no cycle).

    layers_test.py [--root DIR]     check the tree at DIR (default: the repository)
    layers_test.py --self-test      check that an upward #include added to a copy is caught
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SOURCES = {".c", ".cc", ".cpp", ".h", ".hpp", ".inc"}


def read_layers(path):
    layers, headers, faces, order = {}, {}, {}, []
    problems = []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"(layer|header|face)\s+([a-z]+):\s*(.*)", line)
        if not m:
            problems.append(f"{path}:{no}: cannot read {raw!r}")
            continue
        kind, name, rest = m.group(1), m.group(2), m.group(3).split()
        if kind == "layer":
            for dep in rest:
                if dep not in layers:
                    problems.append(f"{path}:{no}: layer {name} lists {dep}, which is not a layer above it "
                                    "(a layer may only use layers listed before it: no cycles)")
            if name in layers:
                problems.append(f"{path}:{no}: layer {name} is declared twice")
            layers[name] = set(rest)
            order.append(name)
        elif kind == "header":
            if name not in layers:
                problems.append(f"{path}:{no}: headers of {name}, which is not a layer")
            for h in rest:
                headers[h] = name
        else:
            *deps, where = rest
            for dep in deps:
                if dep not in layers:
                    problems.append(f"{path}:{no}: face {name} lists {dep}, which is not a layer")
            faces[name] = (set(deps), where)
    return layers, headers, faces, problems


def check(root):
    root = pathlib.Path(root)
    layers, headers, faces, problems = read_layers(root / "src" / "layers.txt")
    edges = 0

    def target_of(includer, target, quoted):
        """(layer or None for external, problem or None)."""
        if ".." in pathlib.PurePosixPath(target).parts:
            return None, f'"{target}" climbs with ".."; include by layer, e.g. "store/rows.hpp"'
        if target.startswith("clmis/"):
            name = target[len("clmis/"):]
            if name not in headers:
                if (root / "include" / "clmis" / name).exists():
                    return None, f"include/clmis/{name} belongs to no layer in src/layers.txt"
                return None, f"there is no public header {target}"
            return headers[name], None
        first = target.split("/", 1)[0]
        if "/" in target and first in layers and (root / "src" / target).exists():
            return first, None
        if quoted and (includer.parent / target).exists():
            return "", None  # a file beside the includer: its own layer
        if quoted and (root / "src" / first).is_dir():
            return None, f'"{target}" is under src/{first}, which src/layers.txt does not declare'
        return None, None  # a system or third-party header

    def scan(files, own, allowed, public):
        nonlocal edges
        for f in files:
            for no, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                layer, problem = target_of(f, m.group(2), m.group(1) == '"')
                where = f"{f.relative_to(root)}:{no}"
                if problem:
                    problems.append(f"{where}: {problem}")
                    continue
                if layer is None:
                    continue
                edges += 1
                if layer == "":
                    continue
                if public and not m.group(2).startswith("clmis/"):
                    problems.append(f"{where}: the public header includes the internal {m.group(2)}")
                elif layer != own and layer not in allowed:
                    problems.append(f"{where}: {own} may not include {m.group(2)} (layer {layer}); "
                                    f"src/layers.txt lets {own} use {', '.join(sorted(allowed)) or 'nothing'}")

    for d in sorted(p for p in (root / "src").iterdir() if p.is_dir()):
        if d.name not in layers:
            problems.append(f"src/{d.name}/ is not a layer of src/layers.txt")
            continue
        files = [p for p in sorted(d.rglob("*")) if p.suffix in SOURCES]
        scan(files, d.name, layers[d.name], False)
    for h in sorted((root / "include" / "clmis").iterdir()):
        if h.name not in headers:
            problems.append(f"include/clmis/{h.name} belongs to no layer in src/layers.txt")
            continue
        scan([h], headers[h.name], layers[headers[h.name]], True)
    for name, (allowed, where) in faces.items():
        d = root / where
        if not d.is_dir():
            problems.append(f"face {name}: there is no directory {where}")
            continue
        scan([p for p in sorted(d.rglob("*")) if p.suffix in SOURCES], name, allowed, False)
    return problems, edges, len(layers)


def self_test(repo):
    """A copy of the tree with one upward #include added must fail, naming that edge."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "tree"
        for part in ("src", "include", "bindings/python/src"):
            shutil.copytree(repo / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        victim = copy / "src" / "records" / "records.cpp"
        victim.write_text('#include "workflow/workflow.hpp"\n' + victim.read_text(encoding="utf-8"), encoding="utf-8")
        out = subprocess.run([sys.executable, __file__, "--root", str(copy)], capture_output=True, text=True)
        caught = out.returncode != 0 and "src/records/records.cpp:1: records may not include workflow/workflow.hpp" in out.stdout
        clean = subprocess.run([sys.executable, __file__, "--root", str(repo)], capture_output=True, text=True)
        if not caught or clean.returncode != 0:
            print("self-test failed: the upward edge records -> workflow was", "caught" if caught else "NOT caught",
                  "and the real tree", "passes" if clean.returncode == 0 else "fails")
            print(out.stdout, out.stderr, clean.stdout, clean.stderr)
            return 1
        print("self-test: an upward #include (records -> workflow) is refused:")
        print("  " + [l for l in out.stdout.splitlines() if "records.cpp:1" in l][0])
        return 0


def main(argv):
    repo = pathlib.Path(__file__).resolve().parent.parent
    if "--self-test" in argv:
        return self_test(repo)
    root = pathlib.Path(argv[argv.index("--root") + 1]) if "--root" in argv else repo
    problems, edges, n = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) break src/layers.txt")
        return 1
    print(f"{edges} internal #include edges of {n} layers and the faces follow src/layers.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
