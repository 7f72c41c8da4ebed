//! One module per subcommand: the IO shell that calls the pure core.

pub mod list;
pub mod schema;
pub mod validate;
