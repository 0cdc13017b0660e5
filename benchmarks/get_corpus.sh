#!/usr/bin/env bash
# (A copy of the shared ../shared/bench/get_realworld.sh, kept in the project
# so the benchmarks run from a checkout alone.)
# Fetch a pinned real-world Python corpus (mature web/DB/security-heavy projects)
# and unpack only their .py sources into $DEST/<name>/ (default
# .corpus/realworld). Idempotent: a project whose
# $DEST/<name>/.pinned already holds the same pin is left alone; a changed or
# missing pin is re-extracted into a temp dir and swapped in atomically.
#
# usage: get_corpus.sh [DEST]
#   env: PYTHON (default python3)   CACHE (default .corpus/cache)
#        SET=holdout for the hold-out corpus (default DEST .corpus/holdout)
# Network: pip's package index only (pip download --no-deps).
set -euo pipefail

DEST="${1:-.corpus/realworld}"
CACHE="${CACHE:-.corpus/cache}"
PYTHON="${PYTHON:-python3}"

# name==version; wheels preferred, sdist only as a fallback.
PINS=(
  django==5.2.19
  flask==3.1.3
  werkzeug==3.1.9
  jinja2==3.1.6
  requests==2.34.2
  urllib3==2.8.0
  sqlalchemy==2.1.9
  fastapi==0.165.0
  starlette==1.10.0
  httpx==0.28.1
  celery==5.7.0
  paramiko==5.1.0
)
# SET=holdout: a second corpus, never used to tune the rules, that checks the
# precision figures carry over (benchmarks/RESULTS.md, "Hold-out corpus")
if [[ "${SET:-realworld}" == holdout ]]; then
  DEST="${1:-.corpus/holdout}"
  PINS=(
    aiohttp==3.14.5
    authlib==1.9.10
    django-allauth==65.22.1
    djangorestframework==3.18.3
    flask-login==0.6.3
    flask-wtf==1.3.0
    itsdangerous==2.2.0
    oauthlib==4.0.1
    passlib==1.7.4
    psycopg==3.3.9
    pymongo==4.20.1
    pyramid==2.1
    redis==8.1.0
    sanic==25.12.1
    sentry-sdk==2.75.0
    tornado==6.6.1
  )
fi

mkdir -p "$DEST" "$CACHE"

for pin in "${PINS[@]}"; do
  name="${pin%%==*}"
  out="$DEST/$name"
  if [[ -f "$out/.pinned" && "$(cat "$out/.pinned")" == "$pin" ]]; then
    echo "ok     $pin (already present)"
    continue
  fi
  dl="$CACHE/$name"
  mkdir -p "$dl"
  # Reuse a cached download of exactly this version if present.
  ver="${pin#*==}"
  alt="${name//-/_}"   # wheels spell django-allauth as django_allauth
  have="$(find "$dl" -maxdepth 1 -type f \( -iname "${name}-${ver}-*.whl" -o -iname "${alt}-${ver}-*.whl" -o -iname "${name}-${ver}.tar.gz" -o -iname "${alt}-${ver}.tar.gz" -o -iname "${name}-${ver}.zip" \) | head -n1)"
  if [[ -z "$have" ]]; then
    if ! "$PYTHON" -m pip download --no-deps --only-binary=:all: "$pin" -d "$dl" -q 2>"$dl/pip.err"; then
      echo "note   $pin: no wheel, trying sdist" >&2
      "$PYTHON" -m pip download --no-deps --no-binary=:all: --no-build-isolation "$pin" -d "$dl" -q
    fi
    alt="${name//-/_}"   # wheels spell django-allauth as django_allauth
  have="$(find "$dl" -maxdepth 1 -type f \( -iname "${name}-${ver}-*.whl" -o -iname "${alt}-${ver}-*.whl" -o -iname "${name}-${ver}.tar.gz" -o -iname "${alt}-${ver}.tar.gz" -o -iname "${name}-${ver}.zip" \) | head -n1)"
  fi
  [[ -n "$have" ]] || { echo "FAIL   $pin: nothing downloaded" >&2; exit 1; }

  tmp="$(mktemp -d "$DEST/.tmp-$name.XXXXXX")"
  "$PYTHON" - "$have" "$tmp" <<'PY'
import sys, zipfile, tarfile, os, posixpath
src, dst = sys.argv[1], sys.argv[2]
def safe(p):
    p = posixpath.normpath(p)
    return not (p.startswith("/") or p.startswith("..") or "/../" in p)
n = 0
if src.endswith(".whl") or src.endswith(".zip"):
    with zipfile.ZipFile(src) as z:
        for m in z.infolist():
            if m.filename.endswith(".py") and not m.is_dir() and safe(m.filename):
                name = m.filename
                if src.endswith(".zip"):          # sdist zip: drop top dir
                    name = name.split("/", 1)[-1]
                t = os.path.join(dst, name)
                os.makedirs(os.path.dirname(t), exist_ok=True)
                with z.open(m) as f, open(t, "wb") as g:
                    g.write(f.read())
                n += 1
else:
    with tarfile.open(src) as z:
        for m in z.getmembers():
            if m.isfile() and m.name.endswith(".py") and safe(m.name):
                name = m.name.split("/", 1)[-1]   # drop <name>-<ver>/ prefix
                t = os.path.join(dst, name)
                os.makedirs(os.path.dirname(t), exist_ok=True)
                with z.extractfile(m) as f, open(t, "wb") as g:
                    g.write(f.read())
                n += 1
print(f"       extracted {n} .py files from {os.path.basename(src)}")
PY
  echo "$pin" > "$tmp/.pinned"
  basename "$have" > "$tmp/.source"
  rm -rf "$out"
  mv "$tmp" "$out"
  echo "new    $pin"
done

# Remove projects no longer pinned (keeps the corpus exactly the pin list).
for d in "$DEST"/*/; do
  n="$(basename "$d")"
  keep=0
  for pin in "${PINS[@]}"; do [[ "${pin%%==*}" == "$n" ]] && keep=1; done
  if [[ $keep == 0 ]]; then echo "drop   $n (not pinned)"; rm -rf "$d"; fi
done
rm -rf "$DEST"/.tmp-* 2>/dev/null || true

# Totals: .py files and physical lines, per project and overall.
"$PYTHON" - "$DEST" <<'PY'
import os, sys
root = sys.argv[1]
tf = tl = 0
print(f"{'project':12} {'pin':22} {'files':>6} {'lines':>9}")
for name in sorted(os.listdir(root)):
    d = os.path.join(root, name)
    if not os.path.isdir(d) or name.startswith("."):
        continue
    f = l = 0
    for dp, dn, fn in os.walk(d):
        for x in fn:
            if x.endswith(".py"):
                f += 1
                with open(os.path.join(dp, x), "rb") as h:
                    l += sum(1 for _ in h)
    pin = open(os.path.join(d, ".pinned")).read().strip() if os.path.exists(os.path.join(d, ".pinned")) else "?"
    print(f"{name:12} {pin:22} {f:6d} {l:9d}")
    tf += f; tl += l
print(f"TOTAL files {tf} lines {tl}")
PY
