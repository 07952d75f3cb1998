"""Writes N synthetic log lines (seeded): a timestamp, level, service, a message from a few dozen templates with
variable fields, and a random 128-bit trace ID, as services log them with trace context."""

import random
import sys

TEMPLATES = [
    "GET /api/cart/{n} 200 {ms}ms user={user}",
    "POST /api/checkout 201 {ms}ms order={order} items={items}",
    "payment authorized amount={amount} currency=EUR card=**** {last4}",
    "payment declined: card_expired order={order}",
    "cache miss key=cart:{user} ttl={ttl}s",
    "db query SELECT * FROM carts WHERE user_id = {user} took {ms}ms rows={items}",
    "connection pool exhausted, waiting {ms}ms (active={items}, idle=0)",
    "upstream timeout after {ms}ms calling inventory:{port}/reserve",
    "retrying request attempt={items} backoff={ms}ms",
    "shipping quote computed zone={zone} weight={items}kg price={amount}",
    "user {user} logged in from 10.{a}.{b}.{c}",
    "order {order} shipped via {carrier} tracking={tracking}",
]
LEVELS = ["INFO"] * 14 + ["DEBUG"] * 4 + ["WARN"] * 2 + ["ERROR"]
SERVICES = ["frontend", "cart", "checkout", "payment", "shipping", "inventory"]


def main(count, path, seed=42):
    rng = random.Random(seed)
    millis = 1_763_700_000_000
    with open(path, "w") as out:
        for _ in range(count):
            millis += rng.randint(0, 5)
            seconds, ms = divmod(millis, 1000)
            hours, rest = divmod(seconds % 86400, 3600)
            message = rng.choice(TEMPLATES).format(
                n=rng.randint(1, 99999), ms=rng.randint(1, 3000), user=rng.randint(1, 50000),
                order=rng.randint(10**6, 10**7), items=rng.randint(1, 12), amount=f"{rng.uniform(1, 500):.2f}",
                last4=rng.randint(1000, 9999), ttl=rng.choice([30, 60, 300]), port=rng.choice([8080, 8081]),
                zone=rng.choice("ABCDE"), a=rng.randint(0, 255), b=rng.randint(0, 255), c=rng.randint(0, 255),
                carrier=rng.choice(["ups", "dhl", "fedex"]), tracking=f"{rng.getrandbits(48):012x}")
            out.write(f"2025-11-21T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}.{ms:03d}Z {rng.choice(LEVELS)} "
                      f"{rng.choice(SERVICES)} trace_id={rng.getrandbits(128):032x} {message}\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
