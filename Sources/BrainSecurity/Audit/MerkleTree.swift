import Crypto
import Foundation

/// RFC 6962 / RFC 9162 Merkle tree over leaf values: leaf hash `SHA-256(0x00 ‖ value)`, node hash
/// `SHA-256(0x01 ‖ left ‖ right)`, split at the largest power of two below the size; inclusion proofs a person can
/// check with any SHA-256 (docs/security/verify_proof.py).
public enum MerkleTree {
    public static func leafHash(_ value: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: [0x00] + value)) }
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: [0x01] + left + right)) }

    /// The tree head over the leaves' values (the hash of nothing for an empty tree).
    public static func root(_ values: [[UInt8]]) -> [UInt8] {
        guard !values.isEmpty else { return Array(SHA256.hash(data: [UInt8]())) }
        return subtree(values.map(leafHash), 0, values.count)
    }

    static func subtree(_ leaves: [[UInt8]], _ lo: Int, _ hi: Int) -> [UInt8] {
        let n = hi - lo
        if n == 1 { return leaves[lo] }
        let k = largestPowerOfTwo(below: n)
        return nodeHash(subtree(leaves, lo, lo + k), subtree(leaves, lo + k, hi))
    }

    static func largestPowerOfTwo(below n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// The audit path of leaf `index` (RFC 6962 PATH), nearest sibling first.
    public static func inclusionPath(index: Int, values: [[UInt8]]) -> [[UInt8]] {
        precondition(index >= 0 && index < values.count)
        let leaves = values.map(leafHash)
        func path(_ m: Int, _ lo: Int, _ hi: Int) -> [[UInt8]] {
            let n = hi - lo
            if n == 1 { return [] }
            let k = largestPowerOfTwo(below: n)
            if m < k { return path(m, lo, lo + k) + [subtree(leaves, lo + k, hi)] }
            return path(m - k, lo + k, hi) + [subtree(leaves, lo, lo + k)]
        }
        return path(index, 0, leaves.count)
    }

    /// Checks an inclusion proof (RFC 9162 §2.1.3.2).
    public static func verify(value: [UInt8], index: Int, size: Int, path: [[UInt8]], root: [UInt8]) -> Bool {
        guard index >= 0, index < size else { return false }
        var fn = index, sn = size - 1
        var r = leafHash(value)
        for p in path {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 && r == root
    }
}
