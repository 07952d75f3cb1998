import LumenCluster
import Testing

/// The lease protocol's decisions, with the time given: no clock, no server.
struct LeaseTests {
    let start = ContinuousClock.Instant.now
    let ttl = Duration.seconds(9)

    @Test func aHeldLeaseRenewsOnceASixthOfItsTTLOldAndStopsAtHalf() {
        var lease = Lease(ttl: ttl)
        #expect(lease.action(at: start) == .none)
        #expect(!lease.isValid(at: start))
        lease.acquired(revision: 41, sentAt: start)
        #expect(lease.epoch == 41)
        #expect(lease.action(at: start + .milliseconds(1_499)) == .none)
        #expect(lease.action(at: start + .milliseconds(1_500)) == .renew(expectedRevision: 41))
        #expect(lease.isValid(at: start + .milliseconds(4_499)))
        #expect(!lease.isValid(at: start + .milliseconds(4_500)))
        #expect(lease.action(at: start + .milliseconds(4_500)) == .stop)
    }

    @Test func aRenewalMovesTheRevisionButKeepsTheEpoch() {
        var lease = Lease(ttl: ttl)
        lease.acquired(revision: 41, sentAt: start)
        lease.renewed(revision: 57, sentAt: start + .seconds(3))
        #expect(lease.epoch == 41)
        #expect(lease.action(at: start + .seconds(6)) == .renew(expectedRevision: 57))
        #expect(lease.isValid(at: start + .milliseconds(7_499)))
        #expect(!lease.isValid(at: start + .milliseconds(7_500)))
    }

    @Test func theLeasesAgeCountsFromWhenTheRenewalWasSentAndNeverGoesBack() {
        var lease = Lease(ttl: ttl)
        lease.acquired(revision: 1, sentAt: start)
        lease.renewed(revision: 2, sentAt: start + .seconds(3))
        // A late reply to a request sent earlier does not make the lease look younger or older than the newest.
        lease.renewed(revision: 3, sentAt: start + .seconds(1))
        #expect(lease.isValid(at: start + .milliseconds(7_499)))
        #expect(lease.action(at: start + .seconds(6)) == .renew(expectedRevision: 3))
    }

    @Test func aLostLeaseIsFreeAndNeverValid() {
        var lease = Lease(ttl: ttl)
        lease.acquired(revision: 5, sentAt: start)
        lease.lost()
        #expect(lease.state == .free)
        #expect(lease.epoch == nil)
        #expect(!lease.isValid(at: start))
        #expect(lease.action(at: start + .seconds(100)) == .none)
    }

    @Test func anOwnershipRecordRoundTripsAndRefusesGarbage() {
        let record = OwnershipRecord(node: "node-2", epoch: 99)
        #expect(OwnershipRecord(bytes: record.bytes) == record)
        #expect(OwnershipRecord(bytes: Array("nope".utf8)) == nil)
        #expect(OwnershipRecord.key(ofPartition: 12) == "p.12")
    }
}
