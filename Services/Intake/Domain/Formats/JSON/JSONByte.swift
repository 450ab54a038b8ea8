/// The ASCII bytes JSON's grammar is made of (plain literals, so they fold into the code).
enum JSONByte {
    static let tab: UInt8 = 0x09  // \t
    static let newline: UInt8 = 0x0A  // \n
    static let carriageReturn: UInt8 = 0x0D  // \r
    static let space: UInt8 = 0x20  // space
    static let quote: UInt8 = 0x22  // \"
    static let backslash: UInt8 = 0x5C  // \\
    static let comma: UInt8 = 0x2C  // ,
    static let colon: UInt8 = 0x3A  // :
    static let minus: UInt8 = 0x2D  // -
    static let plus: UInt8 = 0x2B  // +
    static let dot: UInt8 = 0x2E  // .
    static let zero: UInt8 = 0x30  // 0
    static let nine: UInt8 = 0x39  // 9
    static let openBrace: UInt8 = 0x7B  // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
}
