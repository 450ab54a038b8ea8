import CRdKafka

/// Conversions between Swift partition sets and librdkafka partition lists.
enum PartitionList {
    static func toSwift(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition] {
        (0..<Int(list.pointee.cnt)).map { i in
            let element = list.pointee.elems[i]
            return TopicPartition(topic: String(cString: element.topic), partition: element.partition)
        }
    }

    /// Builds a list (caller destroys it with `rd_kafka_topic_partition_list_destroy`).
    static func make(_ entries: [(TopicPartition, Int64?)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(entries.count))!
        for (tp, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition)!
            if let offset { element.pointee.offset = offset }
        }
        return list
    }
}
