//! OASIS CACAO Security Playbooks 2.0: export of a runsheet playbook,
//! import of any CACAO playbook, and the execution report of a run.
//!
//! A runsheet export carries everything CACAO cannot say (phases, clocks,
//! messages, roles, typed facts, `when:`, timeboxes) in runsheet's own
//! extension, [`EXTENSION_ID`]; importing such a file rebuilds the
//! playbook from the extension, so the round trip is exact.

pub mod branches;
pub mod export;
pub mod import;
pub mod locate;
pub mod status;

use uuid::Uuid;

/// runsheet's CACAO extension definition.
pub const EXTENSION_ID: &str = "extension-definition--5f3c1f0e-8a2b-4c6d-9e7f-1a2b3c4d5e6f";

/// Where the extension's schema is documented.
pub const EXTENSION_SCHEMA: &str =
    "https://github.com/runsheet/runsheet/blob/main/docs/interop.md#the-runsheet-extension";

/// The namespace for runsheet's name-based CACAO identifiers.
const NAMESPACE: Uuid = Uuid::from_u128(0x7d1c_9b3e_2f4a_4e8b_a6c5_0d9e_8f7a_6b5c);

/// A stable CACAO identifier, `<kind>--<uuid5(name)>`: the same playbook
/// always exports the same ids.
pub fn identifier(kind: &str, name: &str) -> String {
    format!("{kind}--{}", Uuid::new_v5(&NAMESPACE, name.as_bytes()))
}
