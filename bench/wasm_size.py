"""Code size of the browser bundle by crate, from the wasm before wasm-bindgen and wasm-opt
(its function names are still there):

    python3 bench/wasm_size.py target/front/wasm32-unknown-unknown/wasm-release/partwatch.wasm

A generic function is counted to the first crate its name mentions (tachys::view::… for a
view of ours is tachys), so the split is approximate. The final bundle is smaller: wasm-bindgen
drops its __wbindgen_describe_ functions and wasm-opt -Oz shrinks the rest.
"""
import sys, re, collections
data = open(sys.argv[1], 'rb').read()
def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1; r |= (x & 0x7f) << s; s += 7
        if x < 0x80: return r, i
i = 8; sections = []
while i < len(data):
    sid = data[i]; i += 1
    size, i = leb(data, i)
    sections.append((sid, i, size)); i += size
imports = 0; code_sizes = []; names = {}
for sid, off, size in sections:
    if sid == 2:  # imports: count function imports
        n, j = leb(data, off)
        for _ in range(n):
            l, j = leb(data, j); j += l; l, j = leb(data, j); j += l
            kind = data[j]; j += 1
            if kind == 0: _, j = leb(data, j); imports += 1
            elif kind == 1: j += 1; fl = data[j]; j += 1; _, j = leb(data, j); j = leb(data, j)[1] if fl & 1 else j
            elif kind == 2: fl = data[j]; j += 1; _, j = leb(data, j); j = leb(data, j)[1] if fl & 1 else j
            elif kind == 3: j += 2
    if sid == 10:
        n, j = leb(data, off)
        for _ in range(n):
            s, j2 = leb(data, j); code_sizes.append(s + (j2 - j)); j = j2 + s
    if sid == 0:
        l, j = leb(data, off); nm = data[j:j+l]; j += l
        if nm == b'name':
            end = off + size
            while j < end:
                sub = data[j]; j += 1; ss, j = leb(data, j); se = j + ss
                if sub == 1:
                    n, j = leb(data, j)
                    for _ in range(n):
                        idx, j = leb(data, j); l, j = leb(data, j); names[idx] = data[j:j+l].decode('utf8', 'replace'); j += l
                j = se
def crate(name):
    # legacy mangling _ZN<len><ident>...; v0 _R...; take the first path segment
    m = re.match(r'_ZN(\d+)', name)
    if m:
        n = int(m.group(1)); seg = name[len(m.group(0)):len(m.group(0))+n]
        if seg.startswith('_$LT$'):  # <impl ...>: find inner crate
            inner = re.search(r"([a-z_][a-z_0-9]*)\.\.", seg + name[len(m.group(0))+n:])
            return inner.group(1) if inner else '<impl>'
        return seg
    m = re.match(r'_RN.*?C[s_0-9a-zA-Z]*?(\d+)([a-z_][a-z_0-9]*)', name)
    if m: return m.group(2)
    return name.split('::')[0] if '::' in name else ('(no name)' if not name else name[:20])
by = collections.Counter(); total = sum(code_sizes)
for k, s in enumerate(code_sizes):
    by[crate(names.get(k + imports, ''))] += s
print(f"code section {total/1024:.0f} KB in {len(code_sizes)} functions; data/other {(len(data)-total)/1024:.0f} KB")
for c, s in by.most_common(25):
    print(f"{s/1024:8.0f} KB {100*s/total:5.1f}%  {c}")
