"""Source packages from the registries this machine reaches: PyPI sdists, npm tarballs, Debian source packages.

Nothing from a package is run: sdists come from PyPI's simple JSON index (no `pip download`, which would run a
build backend), npm tarballs from `npm pack --ignore-scripts`, Debian sources from `apt-get source` unpacked by
`dpkg-source`. Archives are unpacked with tarfile's "data" filter (no links out, no absolute paths).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tarfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

PYPI_SIMPLE = "https://pypi.org/simple"
DEB_SRC_FILE = Path("/etc/apt/sources.list.d/diffusion-lsp-deb-src.sources")


@dataclass(frozen=True)
class Package:
    registry: str   # pypi | npm | debian | debian-dev
    name: str
    version: str = ""
    validation: bool = False  # held out whole (a trailing `val` in the list), so every language has some

    @property
    def key(self) -> str:
        return f"{self.registry}:{self.name}" + (f"@{self.version}" if self.version else "")


def read_package_list(path: Path) -> list[Package]:
    """Lines `pypi NAME==VERSION`, `npm NAME@VERSION`, `debian SOURCE`, `debian-dev BINARY`, each optionally
    followed by `val` (the package goes to the validation split); `#` starts a comment."""
    packages = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        registry, spec = line.split(None, 1)
        spec, _, flag = spec.partition(" ")
        if flag.strip() not in ("", "val"):
            raise ValueError(flag.strip())
        if registry == "pypi":
            name, _, version = spec.partition("==")
        elif registry == "npm":
            name, _, version = spec.rpartition("@") if spec.count("@") > spec.startswith("@") else (spec, "", "")
        elif registry in ("debian", "debian-dev"):
            name, version = spec, ""
        else:
            raise ValueError(registry)
        packages.append(Package(registry, name.strip(), version.strip(), flag.strip() == "val"))
    return packages


def _unpack(archive: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as z:
            for member in z.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ValueError(f"unsafe path {member} in {archive.name}")
            z.extractall(dest)
    else:
        with tarfile.open(archive) as t:
            t.extractall(dest, filter="data")
    entries = list(dest.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else dest


def _sdist_of(filename: str, normal: str, version: str) -> bool:
    for ending in (".tar.gz", ".zip"):
        if filename.endswith(ending):
            name, _, found = filename[:-len(ending)].rpartition("-")
            return re.sub(r"[-_.]+", "-", name).lower() == normal and found == version
    return False


def fetch_pypi(package: Package, cache: Path) -> Path:
    normal = re.sub(r"[-_.]+", "-", package.name).lower()
    request = urllib.request.Request(f"{PYPI_SIMPLE}/{normal}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        files = json.load(answer)["files"]
    sdist = next((f for f in files if _sdist_of(f["filename"], normal, package.version)), None)
    if sdist is None:
        raise FileNotFoundError(f"no sdist of {package.name} {package.version} on PyPI")
    archive = cache / sdist["filename"]
    if not archive.is_file():
        with urllib.request.urlopen(sdist["url"], timeout=300) as answer:
            data = answer.read()
        if hashlib.sha256(data).hexdigest() != sdist["hashes"]["sha256"]:
            raise ValueError(f"{sdist['filename']}: sha256 does not match the index")
        archive.write_bytes(data)
    return _unpack(archive, cache / "src" / archive.name)


def fetch_npm(package: Package, cache: Path) -> Path:
    spec = f"{package.name}@{package.version}" if package.version else package.name
    done = subprocess.run(["npm", "pack", spec, "--ignore-scripts", "--json", "--pack-destination", str(cache)],
                          capture_output=True, text=True, timeout=300, check=True)
    archive = cache / json.loads(done.stdout)[0]["filename"]
    return _unpack(archive, cache / "src" / archive.name)


def enable_deb_src() -> None:
    """Let apt fetch source packages (Debian keeps them apart): a deb-src entry beside each deb one, then update."""
    if DEB_SRC_FILE.is_file():
        return
    entries = []
    for path in sorted(Path("/etc/apt/sources.list.d").glob("*.sources")):
        for paragraph in path.read_text().split("\n\n"):
            if re.search(r"^Types:.*\bdeb\b", paragraph, re.M):
                entries.append(re.sub(r"^Types:.*$", "Types: deb-src", paragraph.strip(), flags=re.M))
    DEB_SRC_FILE.write_text("\n\n".join(entries) + "\n")
    subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=600)


def fetch_debian(package: Package, cache: Path) -> Path:
    enable_deb_src()
    work = (cache / "debian" / package.name).resolve()
    unpacked = work / "src"
    if unpacked.is_dir():
        return unpacked
    work.mkdir(parents=True, exist_ok=True)
    _run(["apt-get", "source", "--download-only", "-qq", package.name], work)
    _run(["dpkg-source", "--no-check", "-x", str(next(work.glob("*.dsc"))), str(unpacked)], work)
    for archive in work.glob("*.tar.*"):
        archive.unlink()  # the unpacked tree is what is kept
    return unpacked


def fetch_debian_dev(package: Package, cache: Path) -> Path:
    """A Debian binary package that ships source (Rust crates as librust-*-dev, Go modules as golang-*-dev): the
    archive keeps these when an older source package's files have left the pool."""
    work = (cache / "debian-dev" / package.name).resolve()
    unpacked = work / "root"
    if unpacked.is_dir():
        return unpacked
    work.mkdir(parents=True, exist_ok=True)
    _run(["apt-get", "download", "-qq", package.name], work)
    _run(["dpkg-deb", "-x", str(next(work.glob("*.deb"))), str(unpacked)], work)
    for deb in work.glob("*.deb"):
        deb.unlink()
    return unpacked


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:3])} failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")


def fetch(package: Package, cache: Path) -> Path:
    """The unpacked source tree of a package (downloaded once into `cache`)."""
    cache.mkdir(parents=True, exist_ok=True)
    fetchers = {"pypi": fetch_pypi, "npm": fetch_npm, "debian": fetch_debian, "debian-dev": fetch_debian_dev}
    if package.registry not in fetchers:
        raise ValueError(package.registry)
    return fetchers[package.registry](package, cache)


def package_license(package: Package, root: Path) -> str | None:
    """The package-wide licence (SPDX id) when permissive; Debian packages are decided per file instead."""
    from .licenses import classify, license_from_files
    if package.registry == "debian-dev":
        from .debian_copyright import copyright_rules
        path = root / "usr" / "share" / "doc" / package.name / "copyright"
        rules = copyright_rules(path.read_text(errors="replace")) if path.is_file() else None
        return next((classify(rule.license) for rule in rules or [] if "*" in rule.globs), None)
    if package.registry == "npm" and (root / "package.json").is_file():
        declared = json.loads((root / "package.json").read_text(errors="replace")).get("license")
        return classify(declared if isinstance(declared, str) else None) or license_from_files(root)
    if package.registry == "pypi":
        pkg_info = root / "PKG-INFO"
        if pkg_info.is_file():
            meta = pkg_info.read_text(errors="replace").split("\n\n", 1)[0]
            fields = re.findall(r"^(License-Expression|License|Classifier): (.*)$", meta, re.M)
            declared = " ".join(v for k, v in fields if k != "Classifier" or v.startswith("License ::"))
            return classify(declared) or license_from_files(root)
        return license_from_files(root)
    return license_from_files(root)


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
