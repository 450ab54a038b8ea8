/// FangyiTesting: fixtures shared by Fangyi's test targets — a Kafka cluster
/// per test (in-process mock or `KAFKA_BOOTSTRAP_SERVERS`), a database schema
/// per test, and a runner for the built executables.
public enum FangyiTesting {}
