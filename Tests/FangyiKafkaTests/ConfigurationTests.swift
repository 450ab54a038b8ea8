import FangyiKafka
import FangyiTesting
import Logging
import Testing

@Suite("Configuration from the environment and property validation")
struct ConfigurationTests {
    @Test("KAFKA_* variables map to typed fields and dotted librdkafka properties")
    func environmentMapping() {
        let config = KafkaConfiguration.fromEnvironment([
            "KAFKA_BOOTSTRAP_SERVERS": "broker-a:9093,broker-b:9093",
            "KAFKA_CLIENT_ID": "checkin-api",
            "KAFKA_SASL_MECHANISMS": "SCRAM-SHA-512",
            "KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
            "KAFKA_SSL_CA_LOCATION": "/etc/ssl/kafka-ca.pem",
            "KAFKA_STATISTICS_INTERVAL_MS": "250",
            "PATH": "/usr/bin",
            "KAFKAESQUE": "not ours",
        ])
        #expect(config.bootstrapServers == "broker-a:9093,broker-b:9093")
        #expect(config.clientID == "checkin-api")
        #expect(config.statisticsInterval == .milliseconds(250))
        #expect(config.properties == [
            "sasl.mechanisms": "SCRAM-SHA-512",
            "security.protocol": "sasl_ssl",
            "ssl.ca.location": "/etc/ssl/kafka-ca.pem",
        ])
    }

    @Test("KAFKA_STATISTICS_INTERVAL_MS=0 turns statistics off; no variables keep the defaults")
    func statisticsOffAndDefaults() {
        let off = KafkaConfiguration.fromEnvironment(["KAFKA_STATISTICS_INTERVAL_MS": "0"])
        #expect(off.statisticsInterval == nil)

        let defaults = KafkaConfiguration.fromEnvironment([:], defaultBootstrapServers: "localhost:19092")
        #expect(defaults.bootstrapServers == "localhost:19092")
        #expect(defaults.clientID == "fangyi")
        #expect(defaults.statisticsInterval == .seconds(5))
        #expect(defaults.properties.isEmpty)
    }

    @Test("an invalid property makes the producer fail to start with an error naming the property")
    func invalidPropertyIsNamed() throws {
        let kafka = KafkaConfiguration.fromEnvironment(["KAFKA_ACKS": "banana"], defaultBootstrapServers: "127.0.0.1:1")
        #expect(kafka.properties["acks"] == "banana")
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: Self.logger)
        }
        #expect(error?.name == "fangyi.config.invalid_property")
        #expect(error?.context["kafka.property"] == "acks")
        #expect(error?.message.contains("'acks'") == true, "message names the property: \(error?.message ?? "-")")
    }

    @Test("an invalid consumer property fails the consumer the same way")
    func invalidConsumerProperty() throws {
        var kafka = KafkaConfiguration(bootstrapServers: "127.0.0.1:1")
        kafka.properties["fetch.wait.max.ms"] = "soon"
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: KafkaConsumerConfiguration(kafka: kafka, groupID: "g"), topics: ["t"], logger: Self.logger)
        }
        #expect(error?.context["kafka.property"] == "fetch.wait.max.ms")
    }

    @Test("a password never appears in a configuration error", arguments: [
        // A valid password next to an invalid property.
        ["sasl.password": ConfigurationTests.secret, "acks": "banana"],
        // Passwords meant for other clients, rejected by librdkafka as unknown properties.
        ["ssl.truststore.password": ConfigurationTests.secret],
        ["sasl.jaas.config": "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"\(ConfigurationTests.secret)\";"],
        // Client creation fails after every property was accepted.
        ["security.protocol": "sasl_plaintext", "sasl.mechanisms": "BANANA", "sasl.username": "u", "sasl.password": ConfigurationTests.secret],
    ])
    func passwordIsNeverShown(properties: [String: String]) throws {
        let kafka = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", statisticsInterval: nil, properties: properties)
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: Self.logger)
        }
        let shown = error.map { "\($0) \($0.message) \($0.context)" } ?? ""
        #expect(!shown.isEmpty)
        #expect(!shown.contains(Self.secret), "error text: \(shown)")
    }

    @Test("an unknown property's value is not echoed: it may be a credential meant for another client")
    func unknownPropertyValueIsNotEchoed() throws {
        // Schema-registry credentials ("user:password") often sit next to Kafka
        // settings; librdkafka rejects the property as unknown and cannot know it is secret.
        let kafka = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", statisticsInterval: nil,
                                       properties: ["basic.auth.user.info": "registry:\(Self.secret)"])
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: Self.logger)
        }
        #expect(error?.context["kafka.property"] == "basic.auth.user.info")
        #expect(error?.message.contains(Self.secret) == false, "error message: \(error?.message ?? "-")")
    }

    static let secret = "hunter2-Zq8xW"

    static var logger: Logger {
        var logger = Logger(label: "fangyi.test.configuration")
        logger.logLevel = .critical
        return logger
    }
}
