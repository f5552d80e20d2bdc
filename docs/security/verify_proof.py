#!/usr/bin/env python3
"""Check an Industry Brain audit proof without the product (Python 3 standard library only).

    brain audit proof 1234 > proof.json
    python3 verify_proof.py proof.json [EXPECTED_CHECKPOINT_HASH]

It recomputes the entry's content hash from its content, the entry hash from its fields, the Merkle root of the
checkpoint from the entry hash and the audit path (RFC 6962 / RFC 9162), and the checkpoint's own hash. Give the
checkpoint hash you recorded elsewhere (printed, mailed, anchored) as the second argument to also check that the
checkpoint is the one you know. Exit status 0 when everything holds, 1 otherwise.
"""
import hashlib
import json
import sys


def framed(fields):
    return "".join(f"{len(str(f).encode('utf-8'))}:{f}" for f in fields)


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def leaf_hash(value):
    return hashlib.sha256(b"\x00" + value).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(value, index, size, path):
    """RFC 9162 section 2.1.3.2: the root an inclusion proof leads to, or None when the proof is malformed."""
    if index >= size:
        return None
    fn, sn = index, size - 1
    r = leaf_hash(value)
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        proof = json.load(f)
    e, c = proof["entry"], proof["checkpoint"]
    problems = []
    if sha256_hex(e["detail"]) != e["content_hash"]:
        problems.append("the entry's content does not match its content hash")
    entry_hash = sha256_hex(framed([e["seq"], e["at"], e["actor"], e["action"], e["target"], e["source"], e["outcome"],
                                    e["content_hash"], e["prev_hash"]]))
    if entry_hash != e["entry_hash"]:
        problems.append("the entry's fields do not match its entry hash")
    root = root_from_path(bytes.fromhex(entry_hash), proof["leaf_index"], proof["tree_size"],
                          [bytes.fromhex(p) for p in proof["path"]])
    if root is None or root.hex() != c["root"]:
        problems.append("the audit path does not lead to the checkpoint's Merkle root")
    if proof["tree_size"] != c["last_seq"] - c["first_seq"] + 1 or e["seq"] != c["first_seq"] + proof["leaf_index"]:
        problems.append("the entry's position does not fit the checkpoint's range")
    cp_hash = sha256_hex(framed([c["id"], c["first_seq"], c["last_seq"], c["root"], c["prev_hash"], c["at"]]))
    if cp_hash != c["checkpoint_hash"]:
        problems.append("the checkpoint's fields do not match its hash")
    if len(sys.argv) > 2 and sys.argv[2] != c["checkpoint_hash"]:
        problems.append("the checkpoint is not the one you expected")
    if problems:
        for p in problems:
            print("FAILED:", p)
        return 1
    print(f"ok: entry {e['seq']} ({e['action']} by {e['actor']} at {e['at']}) is included in checkpoint {c['id']} "
          f"(entries {c['first_seq']}-{c['last_seq']}, root {c['root']}, checkpoint hash {c['checkpoint_hash']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
