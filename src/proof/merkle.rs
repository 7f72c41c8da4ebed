//! The RFC 6962 Merkle tree hash (MTH) over journal lines.
//!
//! Written here rather than taken from `tlog_tiles`: that crate computes a
//! root only from a tile store of stored hashes and pulls in a URL parser;
//! the definition itself is six lines of RFC 6962 section 2.1, tested below
//! against the Certificate Transparency reference vectors.

use sha2::{Digest as _, Sha256};

/// A 32-byte SHA-256 node or root.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 || leaf)`: the hash of one leaf (one line, without its
/// newline).
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`: an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The Merkle tree hash of `leaves` (RFC 6962 section 2.1). The empty tree
/// hashes to SHA-256 of the empty string.
pub fn root<L: AsRef<[u8]>>(leaves: &[L]) -> Hash {
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    root_of_hashes(&hashes)
}

/// The Merkle tree hash over leaf hashes already computed.
pub fn root_of_hashes(leaf_hashes: &[Hash]) -> Hash {
    let mut frontier = Frontier::default();
    for leaf in leaf_hashes {
        frontier.push(*leaf);
    }
    frontier.root()
}

/// A Merkle tree grown one leaf at a time, keeping only its complete
/// subtrees (one hash per level): its root at any size, in bounded memory,
/// while the leaves stream past.
///
/// Their shape is the one RFC 6962 defines: the left subtree is the
/// largest power of two smaller than the size.
#[derive(Debug, Clone, Default)]
pub struct Frontier {
    /// (height, hash) of complete subtrees, largest first.
    stack: Vec<(u32, Hash)>,
    len: u64,
}

impl Frontier {
    /// Adds the next leaf's hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut node = (0, leaf);
        while let Some(&(height, left)) = self.stack.last() {
            if height != node.0 {
                break;
            }
            self.stack.pop();
            node = (height + 1, node_hash(&left, &node.1));
        }
        self.stack.push(node);
        self.len += 1;
    }

    /// How many leaves were added.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The Merkle tree hash of the leaves added so far. The empty tree
    /// hashes to SHA-256 of the empty string.
    pub fn root(&self) -> Hash {
        // Incomplete right edge: combine from the right.
        let mut nodes = self.stack.iter().rev().map(|(_, h)| *h);
        let Some(mut right) = nodes.next() else {
            return Sha256::digest([]).into();
        };
        for left in nodes {
            right = node_hash(&left, &right);
        }
        right
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::to_hex;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The Certificate Transparency reference inputs and roots for tree
    /// sizes 0 to 8 (the RFC 6962 test vectors every implementation uses).
    const LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn roots_match_the_rfc6962_reference_vectors() {
        let leaves: Vec<Vec<u8>> = LEAVES.iter().map(|l| unhex(l)).collect();
        for size in 0..=8 {
            assert_eq!(to_hex(&root(&leaves[..size])), ROOTS[size], "size {size}");
        }
    }

    /// The recursive definition, word for word, to compare the stack fold
    /// against on sizes the vectors do not reach.
    fn recursive(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => Sha256::digest([]).into(),
            1 => leaves[0],
            n => {
                // The largest power of two smaller than n.
                let mut k = 1;
                while k * 2 < n {
                    k *= 2;
                }
                node_hash(&recursive(&leaves[..k]), &recursive(&leaves[k..]))
            }
        }
    }

    #[test]
    fn fold_agrees_with_the_recursive_definition_up_to_70_leaves() {
        let hashes: Vec<Hash> = (0u8..70).map(|i| leaf_hash(&[i, i ^ 0x5a])).collect();
        for n in 0..=hashes.len() {
            assert_eq!(
                root_of_hashes(&hashes[..n]),
                recursive(&hashes[..n]),
                "n {n}"
            );
        }
    }

    #[test]
    fn a_growing_frontier_gives_the_root_at_every_size() {
        let hashes: Vec<Hash> = (0u8..70).map(|i| leaf_hash(&[i])).collect();
        let mut frontier = Frontier::default();
        assert_eq!(frontier.root(), recursive(&[]));
        for (n, leaf) in hashes.iter().enumerate() {
            frontier.push(*leaf);
            assert_eq!(frontier.len(), n as u64 + 1);
            assert_eq!(frontier.root(), recursive(&hashes[..=n]), "n {}", n + 1);
        }
    }
}
