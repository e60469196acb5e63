//! Rebuild when a migration changes, so the embedded migrator never goes stale.
fn main() {
    println!("cargo::rerun-if-changed=migrations");
}
