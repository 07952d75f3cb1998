import Testing
@testable import LumenServer

struct UDPReceiveDropsTests {
    /// Rows as Linux 6 writes them: the StatsD socket on 8125 (0x1FBD) over IPv4 and IPv6, another socket.
    private let ipv4 = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          101: 0100007F:1FBD 00000000:0000 07 00000000:00034100 00:00000000 00000000     0        0 41337 2 ffff8f3c 9152
          202: 00000000:14FA 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41338 2 ffff8f3d 7
        """
    private let ipv6 = """
           sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
           17: 00000000000000000000000000000000:1FBD 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41339 2 ffff8f3e 48
        """

    @Test func theDropsColumnOfTheRowsBoundToThePortIsSummed() {
        #expect(UDPReceiveDrops.drops(in: ipv4, port: 8125) == 9152)
        #expect(UDPReceiveDrops.drops(in: ipv6, port: 8125) == 48)
        #expect(UDPReceiveDrops.drops(in: ipv4, port: 5370) == 7)
        #expect(UDPReceiveDrops.drops(in: ipv4, port: 9999) == 0)
    }

    @Test func aHeaderOrAShortRowCountsNothing() {
        #expect(UDPReceiveDrops.drops(in: "", port: 8125) == 0)
        #expect(UDPReceiveDrops.drops(in: "header\n  1: 0100007F:1FBD 00000000:0000", port: 8125) == 0)
    }
}
