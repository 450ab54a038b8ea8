// Hand-written JSON for the payloads intake writes per result. Keys are listed in byte
// order, exactly as `JSONEncoder` with `.sortedKeys` writes them; optional members are
// omitted when absent. `JSONOutputTests` checks each against `JSONEncoder` byte for byte,
// so adding a field to one of these types fails that test until it is written here too.

extension LabResultRecorded: JSONOutputWritable {
    /// Writes the payload (see ``JSONOutputWritable``).
    public func write(to output: inout JSONOutput) {
        output.object { out in
            out.member("areaCode", areaCode)
            out.member("collectedAt", collectedAt)
            out.member("interpretation", interpretation.rawValue)
            out.member("isScreeningOnly", isScreeningOnly)
            out.member("labId", labId)
            out.member("poolId", poolId)
            out.member("reportedAt", reportedAt)
            out.member("resultId", resultId)
            if let sealedContact {
                out.key("sealedContact")
                sealedContact.write(to: &out)
            }
            out.member("specimenId", specimenId)
            out.member("specimenType", specimenType.rawValue)
            out.member("status", status.rawValue)
            out.member("subjectRef", subjectRef)
            out.member("supersedes", supersedes)
            out.key("targets")
            out.array { out in
                for target in targets { target.write(to: &out) }
            }
            out.member("testKind", testKind.rawValue)
            out.member("version", version)
        }
    }
}

extension PoolResultRecorded: JSONOutputWritable {
    /// Writes the payload (see ``JSONOutputWritable``).
    public func write(to output: inout JSONOutput) {
        output.object { out in
            out.member("areaCode", areaCode)
            out.member("collectedAt", collectedAt)
            out.member("interpretation", interpretation.rawValue)
            out.member("labId", labId)
            out.key("members")
            out.array { out in
                for member in members {
                    out.object { out in
                        out.member("specimenId", member.specimenId)
                        out.member("subjectRef", member.subjectRef)
                    }
                }
            }
            out.member("poolId", poolId)
            out.member("reportedAt", reportedAt)
        }
    }
}

extension TargetResult: JSONOutputWritable {
    /// Writes the value (see ``JSONOutputWritable``).
    public func write(to output: inout JSONOutput) {
        output.object { out in
            out.member("ct", ct)
            out.member("target", target.rawValue)
        }
    }
}

extension SealedBlob: JSONOutputWritable {
    /// Writes the value (see ``JSONOutputWritable``).
    public func write(to output: inout JSONOutput) {
        output.object { out in
            out.member("combined", combined)
            out.member("keyId", keyId)
        }
    }
}

extension ContactDetails: JSONOutputWritable {
    /// Writes the value (see ``JSONOutputWritable``).
    public func write(to output: inout JSONOutput) {
        output.object { out in
            out.member("address", address)
            out.member("name", name)
            out.member("phone", phone)
            out.member("preferredLanguage", preferredLanguage)
        }
    }
}
