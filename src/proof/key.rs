//! Ed25519 signing keys in the OpenSSH format, so one key pair serves the
//! signed note, the SSH signature and a reviewer's `allowed_signers` file.

use std::path::{Path, PathBuf};

use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey};

/// The SSH signature namespace of checkpoints (`ssh-keygen -Y … -n`).
pub const SSH_NAMESPACE: &str = "runsheet-checkpoint";

/// An Ed25519 key able to sign checkpoints.
#[derive(Debug)]
pub struct SigningKey {
    key: PrivateKey,
    pub path: PathBuf,
}

impl SigningKey {
    /// Reads an unencrypted OpenSSH Ed25519 private key.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the key: {e}", path.display()))?;
        let key = PrivateKey::from_openssh(text.trim_start()).map_err(|e| {
            format!(
                "{}: not an OpenSSH private key ({e}); make one with `runsheet key new`",
                path.display()
            )
        })?;
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(format!(
                "{}: a {} key; checkpoints need an Ed25519 key (`ssh-keygen -t ed25519`)",
                path.display(),
                key.algorithm()
            ));
        }
        if key.is_encrypted() {
            return Err(format!(
                "{}: the key is protected by a passphrase, which runsheet cannot ask for; \
                 use a key kept for checkpoints (`runsheet key new FILE`)",
                path.display()
            ));
        }
        Ok(Self {
            key,
            path: path.to_path_buf(),
        })
    }

    /// A new random key, written to `path` (mode 0600) and `path.pub`.
    pub fn create(path: &Path, comment: &str) -> Result<Self, String> {
        if path.exists() {
            return Err(format!(
                "{}: already exists; runsheet never overwrites a key",
                path.display()
            ));
        }
        let mut key = PrivateKey::random(&mut ssh_key::rand_core::OsRng, Algorithm::Ed25519)
            .map_err(|e| format!("cannot make a key: {e}"))?;
        key.set_comment(comment);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        key.write_openssh_file(path, LineEnding::LF)
            .map_err(|e| format!("{}: cannot write the key: {e}", path.display()))?;
        let public = public_path(path);
        key.public_key()
            .write_openssh_file(&public)
            .map_err(|e| format!("{}: cannot write the public key: {e}", public.display()))?;
        Ok(Self {
            key,
            path: path.to_path_buf(),
        })
    }

    /// The 32-byte seed and public key, for the signed note.
    pub fn ed25519(&self) -> Result<([u8; 32], [u8; 32]), String> {
        let pair = self.key.key_data().ed25519().ok_or("not an Ed25519 key")?;
        Ok((pair.private.to_bytes(), pair.public.0))
    }

    pub fn public(&self) -> &PublicKey {
        self.key.public_key()
    }

    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// An SSH signature (`ssh-keygen -Y sign` format, armoured) of `message`.
    pub fn ssh_sign(&self, message: &[u8]) -> Result<String, String> {
        self.key
            .sign(SSH_NAMESPACE, HashAlg::Sha512, message)
            .and_then(|sig| sig.to_pem(LineEnding::LF))
            .map_err(|e| format!("SSH signature failed: {e}"))
    }
}

/// `FILE.pub`, where `ssh-keygen` puts the public half.
pub fn public_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".pub");
    PathBuf::from(name)
}

/// The public key of an OpenSSH public or private key file, for `verify
/// --key`.
pub fn read_public(path: &Path) -> Result<PublicKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the key: {e}", path.display()))?;
    let text = text.trim();
    if let Ok(key) = PublicKey::from_openssh(text) {
        return Ok(key);
    }
    PrivateKey::from_openssh(text)
        .map(|k| k.public_key().clone())
        .map_err(|_| {
            format!(
                "{}: neither an OpenSSH public key nor a private key",
                path.display()
            )
        })
}

/// The public key of an Ed25519 key given by its 32 bytes.
pub fn ed25519_public(bytes: [u8; 32]) -> PublicKey {
    PublicKey::from(ssh_key::public::Ed25519PublicKey(bytes))
}

/// `SHA256:…` of a public key.
pub fn fingerprint_of(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Checks an armoured SSH signature of `message` by `key` in the checkpoint
/// namespace.
pub fn ssh_verify(key: &PublicKey, message: &[u8], armoured: &str) -> Result<(), String> {
    let sig = ssh_key::SshSig::from_pem(armoured.trim_start())
        .map_err(|e| format!("not an SSH signature: {e}"))?;
    key.verify(SSH_NAMESPACE, message, &sig)
        .map_err(|_| "the SSH signature does not verify".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_signs_and_its_public_half_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let key = SigningKey::create(&path, "test").unwrap();
        let again = SigningKey::read(&path).unwrap();
        assert_eq!(key.fingerprint(), again.fingerprint());
        let public = read_public(&public_path(&path)).unwrap();
        let sig = key.ssh_sign(b"hello\n").unwrap();
        assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----"));
        ssh_verify(&public, b"hello\n", &sig).unwrap();
        assert!(ssh_verify(&public, b"hullo\n", &sig).is_err());
        let (_, raw) = key.ed25519().unwrap();
        assert_eq!(fingerprint_of(&ed25519_public(raw)), key.fingerprint());
        assert!(
            SigningKey::create(&path, "again")
                .unwrap_err()
                .contains("never overwrites")
        );
    }
}
