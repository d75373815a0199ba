"""Redis store: one state for any number of processes on any number of hosts.

`redis://host:port/db` is one server, `redis+cluster://host:port` a Redis Cluster (any one
node: the client finds the others). Sessim owns the database it is given: reset flushes it.

Layout, and why no atomic operation spans two slots:
- A record is one hash, `sessim:r:{<key>}`: its JSON value (v), its expiry instant on the
  shared clock (e, absent for none), its tags as a JSON list (t) and a random version (n).
  Each atomic operation on a record (add if absent, replace if live, consume, a counter's
  increment) is one Lua script on that one key, so it holds in any slot.
- A tag is a sorted set, `sessim:t:{<tag>}`, of the keys that carry it, each scored by the
  version of the write that added it (the real second it was made, then random bits). It
  is an index, not the truth: on one server a put writes the record and its index entries
  in one script (a crash cannot leave a record that its tags miss); on a cluster the sets
  live in other slots and are written before the record, so a crash between the two
  leaves an entry whose record does not carry the tag (which tagged() skips), never a
  record its tags miss. tagged() keeps only the members whose record still carries the
  tag. It drops the others only if their score is unchanged (one script on the tag's
  key), so a write that re-tagged the record meanwhile is never undone; on a cluster,
  only once their version is IN_FLIGHT seconds old, so that a put whose record is still
  on its way keeps its entry. Keeping a record and its tag sets in one slot instead
  would pull every record sharing a tag (all of a user's sessions, all API tokens) and,
  through records with several tags, most of the store into one slot on one node.
- Beside each tag's set, in its slot (the same hash tag), `sessim:x:{<tag>}` holds the
  same keys scored by their expiry instant: count_tagged is one ZCOUNT of the live ones,
  not a read of every record (a million sessions). The writes that index a key, change
  its expiry or drop it from the tag's set do the same to it there; expiries more than
  GRACE past (records expired long ago, purged or soon to be) are dropped as keys are
  indexed.
- Every key with an expiry is in one sorted set, `sessim:e:{expiries}`, scored by its
  expiry instant: what purge() walks. On one server each write keeps it in the same
  script; on a cluster it is another slot, written before a record gets an expiry (a
  crash between leaves an entry that purge finds nothing to delete for) and after a
  record goes (a crash between leaves the same).
- The clock and the generation share the hash tag `{sessim}`: a request reads both in one
  MGET, which on a cluster needs one slot; advancing the clock is a script on its one key.

Expiry is judged by the shared clock, as in every store, so advancing the admin clock
expires records at once. Records carry no Redis expiry: one in real time would drop records
that a clock frozen (or moved back) for long still holds live. purge() frees expired
records instead, as on SQLite, by the shared clock, from the expiry index above.

The client is redis-py's asyncio one (for one server, DirectRedis below: commands without
its pool's per-call work); connections belong to an event loop, so each loop that uses the
store (the server's one, a test's several) gets its own client.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import heapq
import json
import secrets
import weakref
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, ParamSpec, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

from redis import exceptions as redis_errors
from redis.asyncio import Connection, Redis, RedisCluster
from redis.exceptions import NoScriptError

from ..errors import Unavailable
from ..instants import LATEST, ClockState, real_time
from .base import CLOCK_KEY, GENERATION_KEY, Counter, Listed, Record, Store, scan_order

# Seconds on the shared clock past which a tag's expiry set forgets an expired key.
GRACE = 3600.0
# Real seconds a cluster's put may take between its index entries and its record.
IN_FLIGHT = 60.0
# The bits of a version below its real second (random, so that versions differ).
VERSION_BITS = 22
EXPIRIES = "sessim:e:{expiries}"  # every key with an expiry, scored by it

Client = Redis | RedisCluster
P = ParamSpec("P")
R = TypeVar("R")

# What redis-py raises when no server answers, or one is not ready (loading its AOF, a
# cluster without a primary for a slot), or what answers is not Redis (another service on
# the port): an outage, answered 503, not a bug.
UNREACHABLE = (
    redis_errors.ConnectionError,  # BusyLoadingError (LOADING) among them
    redis_errors.TimeoutError,
    redis_errors.ClusterDownError,
    redis_errors.TryAgainError,
    redis_errors.InvalidResponse,
)


def reachable(
    method: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """The store method, raising core's Unavailable when Redis cannot be reached."""

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except UNREACHABLE as error:
            raise Unavailable("The store cannot be reached; retry shortly.") from error
        except redis_errors.RedisClusterException as error:
            # No node of the cluster answered its first call (the client asks again later).
            if not isinstance(error.__cause__, UNREACHABLE):
                raise
            raise Unavailable("The store cannot be reached; retry shortly.") from error

    return call


CLUSTER_BATCH = 100
# Keys scan() asks SCAN for per step, and reads the expiry of per pipeline.
SCAN_BATCH = 1000


class DirectRedis(Redis):
    """redis-py's client for one server, whose commands skip its pool's per-call work.

    redis-py's `execute_command` takes a connection from the pool under a lock, checks it
    can be read, wraps the call in its retry loop, records observability metrics and
    dispatches pool events: about 20 us of CPU a command, as much again as sending and
    parsing it (a getSession makes three). Here a command takes an idle connection of this
    client's own, sends, and parses the answer as redis-py does (its response callbacks).
    A connection that fails is dropped; one that had been idle and fails to connect or
    answer (the server restarted meanwhile) is replaced once, as redis-py's retry would.
    Pipelines keep redis-py's pool.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[Connection] = []

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        for reused in (bool(self._idle), False):
            if reused:
                connection = self._idle.pop()
            else:
                pool = self.connection_pool
                connection = cast(Connection, pool.connection_class(**pool.connection_kwargs))
            try:
                await connection.send_command(*args, check_health=False)
                answer = await self.parse_response(connection, args[0], **options)
            except redis_errors.ResponseError:  # the server's answer: the connection is fine
                self._idle.append(connection)
                raise
            except redis_errors.ConnectionError:
                await connection.disconnect(nowait=True)
                if reused:
                    continue
                raise
            except BaseException:  # cancelled or timed out: its answer may come still
                await connection.disconnect(nowait=True)
                raise
            self._idle.append(connection)
            return answer
        raise AssertionError("unreachable: the second try raises or returns")

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        idle, self._idle = self._idle, []
        await asyncio.gather(*(connection.disconnect() for connection in idle))
        await super().aclose(close_connection_pool)


class Script:
    """A Lua script run by its SHA, loaded on first use on each server that lacks it."""

    def __init__(self, lua: str) -> None:
        self.lua = lua
        self.sha = hashlib.sha1(lua.encode()).hexdigest()

    async def __call__(self, client: Client, keys: Sequence[str], *args: Any) -> Any:
        try:
            return await client.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            await client.script_load(self.lua)
            return await client.evalsha(self.sha, len(keys), *keys, *args)


# Writes a record over whatever was there, keeping its old tags and version in `old` so
# that the caller can drop the old index entries. ARGV: value, expiry or "", tags, version.
WRITE = """
local old = redis.call('HMGET', KEYS[1], 't', 'n')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 't', ARGV[3], 'n', ARGV[4])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'e', ARGV[2]) end
"""

# Local helpers: `expire` keeps `key` in the expiry index (the set `index`) at its expiry
# (`at`, "" for none); indexing `key` puts it in a tag's set at a version and in the tag's
# expiry set at its expiry instant (score, "+inf" for none), dropping expiries before `gone`.
INDEX = """
local function expire(index, key, at)
  if at == '' then redis.call('ZREM', index, key) else redis.call('ZADD', index, at, key) end
end
local function index(set, expiries, key, version, score, gone)
  redis.call('ZADD', set, version, key)
  redis.call('ZADD', expiries, score, key)
  redis.call('ZREMRANGEBYSCORE', expiries, '-inf', '(' .. gone)
end
"""

# The record alone (a cluster: its tags' sets and the expiry index live in other slots,
# written before it).
PUT = Script(WRITE + "return old")

# The record, its expiry and its new index entries in one step, on one server: no crash
# between them leaves a record that its tags' indexes or purge miss. KEYS[2]: the expiry
# index; KEYS[3..]: each tag's set and expiry set. ARGV[5]: the key, ARGV[6]: its expiry's
# score, ARGV[7]: `gone`.
PUT_INDEXED = Script(
    INDEX
    + WRITE
    + """
expire(KEYS[2], ARGV[5], ARGV[2])
for i = 3, #KEYS, 2 do index(KEYS[i], KEYS[i + 1], ARGV[5], ARGV[4], ARGV[6], ARGV[7]) end
return old
"""
)

# Local helper of the scripts below: is the record alive at ARGV[1] (now)?
LIVE = """
local function live(key, now)
  local e = redis.call('HGET', key, 'e')
  if e then return tonumber(e) > tonumber(now) end
  return redis.call('EXISTS', key) == 1
end
"""

# Rewrites a live record, keeping its tags: its tags (JSON), or nil when none is live.
# ARGV: now, value, expiry or "", the key. KEYS[2], when given: the expiry index.
REPLACE = Script(
    LIVE
    + INDEX
    + """
if not live(KEYS[1], ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 'v', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'e', ARGV[3])
else
  redis.call('HDEL', KEYS[1], 'e')
end
if KEYS[2] then expire(KEYS[2], ARGV[4], ARGV[3]) end
return redis.call('HGET', KEYS[1], 't') or '[]'
"""
)

# Writes a record only when none is live: nil when one is, else the old (expired)
# record's tags and version. ARGV: now, value, expiry or "", version, the key. KEYS[2],
# when given: the expiry index.
ADD = Script(
    LIVE
    + INDEX
    + """
if live(KEYS[1], ARGV[1]) then return nil end
local old = redis.call('HMGET', KEYS[1], 't', 'n')
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[2], 't', '[]', 'n', ARGV[4])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'e', ARGV[3]) end
if KEYS[2] then expire(KEYS[2], ARGV[5], ARGV[3]) end
return old
"""
)

# Reads and removes a record: its value, expiry, tags and version (the caller judges
# whether it was live and drops its index entries). ARGV[1]: the key. KEYS[2], when given:
# the expiry index.
CONSUME = Script("""
local found = redis.call('HMGET', KEYS[1], 'v', 'e', 't', 'n')
redis.call('DEL', KEYS[1])
if KEYS[2] then redis.call('ZREM', KEYS[2], ARGV[1]) end
return found
""")

# Adds ARGV[4] to a live counter, else starts one at ARGV[4] whose window ends at ARGV[2];
# returns the value, the window's end and whether this call started it, or nil, and
# nothing written, when the new value would reach ARGV[5] (if given). ARGV: now, window
# end, the key, amount, the bound. KEYS[2], when given: the expiry index.
INCR = Script(
    LIVE
    + """
local bound = ARGV[5] and tonumber(ARGV[5])
if live(KEYS[1], ARGV[1]) then
  if bound and tonumber(redis.call('HGET', KEYS[1], 'v')) + tonumber(ARGV[4]) >= bound then
    return false
  end
  return {redis.call('HINCRBY', KEYS[1], 'v', ARGV[4]), redis.call('HGET', KEYS[1], 'e'), 0}
end
if bound and tonumber(ARGV[4]) >= bound then return false end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[4], 'e', ARGV[2], 't', '[]', 'n', 0)
if KEYS[2] then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3]) end
return {tonumber(ARGV[4]), ARGV[2], 1}
"""
)

# Adds ARGV[3] (0: reads) to the counter whose live window ends at ARGV[2]: its value, or
# nil when that window is over. ARGV: now, window end, amount.
INCR_WINDOW = Script(
    LIVE
    + """
if not live(KEYS[1], ARGV[1]) or tonumber(redis.call('HGET', KEYS[1], 'e')) ~= tonumber(ARGV[2])
then
  return false
end
if tonumber(ARGV[3]) == 0 then return redis.call('HGET', KEYS[1], 'v') end
return redis.call('HINCRBY', KEYS[1], 'v', ARGV[3])
"""
)

# Deletes a record expired at ARGV[1] (now): its tags and version, or nil when it is not
# (gone, live, or kept for ever). Drops the key from the expiry index (KEYS[2], when given)
# unless its entry changed since purge read it (ARGV[2]: the key, ARGV[3]: the score seen).
PURGE = Script("""
local record = redis.call('HMGET', KEYS[1], 'e', 't', 'n')
local expired = record[1] and tonumber(record[1]) <= tonumber(ARGV[1])
if expired then redis.call('DEL', KEYS[1]) end
if KEYS[2] and tonumber(redis.call('ZSCORE', KEYS[2], ARGV[2])) == tonumber(ARGV[3]) then
  redis.call('ZREM', KEYS[2], ARGV[2])
end
if expired then return {record[2], record[3]} end
return nil
""")

# Drops a key from the expiry index (KEYS[1]) unless its entry changed since it was read
# (ARGV: the key, the score seen).
UNEXPIRE = Script("""
if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
end
""")

# Indexes a key under a tag (KEYS: its set and expiry set). ARGV: key, version, the
# expiry's score, `gone`.
TAG = Script(INDEX + "index(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4])")

# A replaced record's new expiry in a tag's expiry set (KEYS: the tag's two sets), unless
# it left the tag meanwhile. ARGV: key, the expiry's score.
RETIME = Script("""
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
end
""")

# Drops a key from a tag's index (KEYS: its two sets) only if the entry is still the one
# seen (its version).
UNTAG = Script("""
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
""")

# The live records among KEYS at ARGV[1] (now), as name, expiry ('' for none), name, ...
LIVE_AMONG = Script("""
local found = {}
for _, name in ipairs(KEYS) do
  local record = redis.call('HMGET', name, 'n', 'e')
  if record[1] and (not record[2] or tonumber(record[2]) > tonumber(ARGV[1])) then
    table.insert(found, name)
    table.insert(found, record[2] or '')
  end
end
return found
""")

# Moves the clock by ARGV[1] seconds unless that leaves 0..ARGV[3] (ARGV[2]: real time
# now); the new state as JSON, or nil. %.17g writes every double exactly.
SHIFT_CLOCK = Script("""
local offset, frozen = 0, nil
local raw = redis.call('GET', KEYS[1])
if raw then
  local state = cjson.decode(raw)
  offset = tonumber(state.offset) or 0
  if state.frozen_at ~= cjson.null then frozen = tonumber(state.frozen_at) end
end
local instant
if frozen then
  frozen = frozen + tonumber(ARGV[1])
  instant = frozen
else
  offset = offset + tonumber(ARGV[1])
  instant = tonumber(ARGV[2]) + offset
end
if instant < 0 or instant > tonumber(ARGV[3]) then return nil end
local text
if frozen then
  text = '{"offset": 0.0, "frozen_at": ' .. string.format('%.17g', frozen) .. '}'
else
  text = '{"offset": ' .. string.format('%.17g', offset) .. ', "frozen_at": null}'
end
redis.call('SET', KEYS[1], text)
return text
""")


async def _pipelined(
    client: Client, script: Script, calls: Sequence[tuple[list[str], tuple]]
) -> list[Any]:
    """The script once per (keys, args) by its SHA, in one pipeline: the answers, errors
    (a missing script's among them) in their place."""
    pipe = client.pipeline(transaction=False)
    for keys, args in calls:
        pipe.evalsha(script.sha, len(keys), *keys, *args)
    return await pipe.execute(raise_on_error=False)


RECORD = "sessim:r:{"  # what a record's name begins with


def _record(key: str) -> str:
    return RECORD + key + "}"


def _tag(tag: str) -> list[str]:
    """A tag's two sets: its keys by version, and by expiry (one hash tag: one slot)."""
    return ["sessim:t:{" + tag + "}", "sessim:x:{" + tag + "}"]


def _tags(tags: Sequence[str]) -> list[str]:
    return [name for tag in tags for name in _tag(tag)]


def _glob(text: str) -> str:
    """text matched literally by a SCAN pattern."""
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)


def _raw(key: str) -> str:
    return "{sessim}:" + key  # the clock and the generation: one slot, one MGET


def _expiry(now: float, ttl: float | None) -> str:
    """The record's expiry instant on the shared clock, as a script argument ("" for none)."""
    return "" if ttl is None else repr(now + ttl)


def _score(expires_at: str) -> str:
    """An expiry instant (as _expiry gives it) as a tag's expiry set scores it."""
    return expires_at or "+inf"


def _version() -> int:
    """The real second, then random bits: unique enough, exact as a sorted set's score (53
    bits until 2106), and telling how long ago the write that made it began."""
    return int(real_time()) << VERSION_BITS | secrets.randbits(VERSION_BITS)


def _in_flight(version: int) -> bool:
    """Whether the write of this version may still be on its way (a cluster's put)."""
    return real_time() - (version >> VERSION_BITS) < IN_FLIGHT


class RedisStore(Store):
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._cluster = parts.scheme == "redis+cluster"
        self._url = urlunsplit(parts._replace(scheme="redis")) if self._cluster else url
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Client] = (
            weakref.WeakKeyDictionary()
        )

    def _client(self) -> Client:
        """This event loop's client."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            if self._cluster:
                client = RedisCluster.from_url(self._url, decode_responses=True)
            else:
                client = DirectRedis.from_url(self._url, decode_responses=True)
            self._clients[loop] = client
        return client

    async def _raw_get(self, key: str) -> Any | None:
        return (await self._raw_get_many([key]))[0]

    @reachable
    async def _raw_get_many(self, keys: Sequence[str]) -> list[Any | None]:
        texts = await self._client().mget([_raw(key) for key in keys])
        return [None if text is None else json.loads(text) for text in texts]

    @reachable
    async def _raw_put(self, key: str, value: Any) -> None:
        await self._client().set(_raw(key), json.dumps(value))

    @reachable
    async def shift_clock(self, seconds: float) -> ClockState | None:
        text = await SHIFT_CLOCK(
            self._client(), [_raw(CLOCK_KEY)], repr(float(seconds)), repr(real_time()), LATEST
        )
        return None if text is None else ClockState.from_json(json.loads(text))

    @reachable
    async def get(self, key: str) -> Any | None:
        now = await self.now()
        text, expires_at = await self._client().hmget(_record(key), ["v", "e"])
        if text is None or (expires_at is not None and float(expires_at) <= now):
            return None
        return json.loads(text)

    @reachable
    async def put(
        self, key: str, value: Any, ttl: float | None = None, tags: Sequence[str] = ()
    ) -> None:
        now = await self.now()
        expires_at = _expiry(now, ttl)
        version = _version()
        client = self._client()
        args = (json.dumps(value), expires_at, json.dumps(list(tags)), version)
        expiry = (_score(expires_at), repr(now - GRACE))  # for the tags' expiry sets
        if self._cluster:  # the indexes live in other slots: written before the record
            await asyncio.gather(
                *(TAG(client, _tag(tag), key, version, *expiry) for tag in tags),
                self._expire(client, key, expires_at),
            )
            old_tags, old_version = await PUT(client, [_record(key)], *args)
        else:
            keys = [_record(key), EXPIRIES, *_tags(tags)]
            old_tags, old_version = await PUT_INDEXED(client, keys, *args, key, *expiry)
        await self._untag(client, key, old_tags, old_version, tags)

    async def _expire(self, client: Client, key: str, expires_at: str) -> None:
        """A cluster's expiry index entry for a record about to get this expiry ("" none:
        the old entry stays until purge finds the record kept for ever)."""
        if expires_at:
            await client.zadd(EXPIRIES, {key: float(expires_at)})

    @reachable
    async def put_many(self, records: Sequence[Record]) -> None:
        """put() of every record in one pipeline: a round trip for the lot, not one per
        record (bulk loads); each record's own write stays one script. A cluster's client
        refuses scripts in pipelines: there, CLUSTER_BATCH puts at a time."""
        if self._cluster:  # its pipelines refuse scripts: the puts run side by side instead
            for start in range(0, len(records), CLUSTER_BATCH):
                batch = records[start : start + CLUSTER_BATCH]
                await asyncio.gather(*(self.put(*record) for record in batch))
            return
        if not records:
            return
        now = await self.now()
        client = self._client()
        gone = repr(now - GRACE)
        calls = []
        for key, value, ttl, tags in records:
            expires_at = _expiry(now, ttl)
            keys = [_record(key), EXPIRIES, *_tags(tags)]
            args = (json.dumps(value), expires_at, json.dumps(list(tags)), _version())
            calls.append((keys, (*args, key, _score(expires_at), gone)))
        answers = await self._run_all(client, PUT_INDEXED, calls)
        await asyncio.gather(
            *(
                self._untag(client, record.key, old_tags, old_version, record.tags)
                for record, (old_tags, old_version) in zip(records, answers, strict=True)
            )
        )

    async def _untag(
        self,
        client: Client,
        key: str,
        tags: str | None,
        version: str | None,
        keep: Sequence[str] = (),
    ) -> None:
        """Drop a gone record version's index entries (tags as its JSON list)."""
        if not tags or version is None:
            return
        gone = [tag for tag in json.loads(tags) if tag not in keep]
        await asyncio.gather(*(UNTAG(client, _tag(tag), key, version) for tag in gone))

    @reachable
    async def replace(self, key: str, value: Any, ttl: float | None = None) -> bool:
        now = await self.now()
        expires_at = _expiry(now, ttl)
        client = self._client()
        if self._cluster:
            await self._expire(client, key, expires_at)
        args = (repr(now), json.dumps(value), expires_at, key)
        tags = await REPLACE(client, self._with_expiries(key), *args)
        if tags is None:
            return False
        score = _score(expires_at)
        await asyncio.gather(*(RETIME(client, _tag(tag), key, score) for tag in json.loads(tags)))
        return True

    def _with_expiries(self, key: str) -> list[str]:
        """A record's script's keys: the record, and on one server the expiry index, which
        the script keeps in the same step (a cluster's lives in another slot)."""
        return [_record(key)] if self._cluster else [_record(key), EXPIRIES]

    @reachable
    async def add(self, key: str, value: Any, ttl: float | None = None) -> bool:
        now = await self.now()
        expires_at = _expiry(now, ttl)
        client = self._client()
        if self._cluster:
            await self._expire(client, key, expires_at)
        args = (repr(now), json.dumps(value), expires_at, _version(), key)
        old = await ADD(client, self._with_expiries(key), *args)
        if old is None:
            return False
        await self._untag(client, key, *old)
        return True

    async def delete(self, key: str) -> bool:
        return await self.consume(key) is not None

    @reachable
    async def consume(self, key: str) -> Any | None:
        now = await self.now()
        client = self._client()
        text, expires_at, tags, version = await CONSUME(client, self._with_expiries(key), key)
        unexpire = []
        if self._cluster and expires_at is not None:  # unless a new record's write moved it
            unexpire = [UNEXPIRE(client, [EXPIRIES], key, expires_at)]
        await asyncio.gather(*unexpire, self._untag(client, key, tags, version))
        if text is None or (expires_at is not None and float(expires_at) <= now):
            return None
        return json.loads(text)

    @reachable
    async def tagged(self, tag: str) -> dict[str, Any]:
        now = await self.now()
        client = self._client()
        # decode_responses: members are str, scores float, fields str or None
        entries: list[tuple[str, float]] = cast(
            Any, await client.zrange(_tag(tag)[0], 0, -1, withscores=True)
        )
        # One pipeline, not a command each: a connection per record otherwise, in flight at once
        pipe = client.pipeline(transaction=False)
        for key, _ in entries:
            pipe.hmget(_record(key), ["v", "e", "t"])
        records: list[list[str | None]] = cast(Any, await pipe.execute()) if entries else []
        found: dict[str, Any] = {}
        stale: list[tuple[str, float]] = []
        for (key, score), (text, expires_at, tags) in zip(entries, records, strict=True):
            if text is None or tag not in json.loads(tags or "[]"):
                # A cluster's put indexes first: its record may be on its way still.
                if not (self._cluster and _in_flight(int(score))):
                    stale.append((key, score))
            elif expires_at is None or float(expires_at) > now:
                found[key] = json.loads(text)
        await asyncio.gather(*(UNTAG(client, _tag(tag), key, int(score)) for key, score in stale))
        return found

    @reachable
    async def count_tagged(self, tag: str) -> int:
        now = await self.now()
        return await self._client().zcount(_tag(tag)[1], f"({now!r}", "+inf")

    @reachable
    async def scan(self, prefix: str, limit: int) -> list[Listed]:
        """SCAN over every node, the expiries read a batch of keys at a time, the first
        `limit` kept; then only their values are read."""
        now = await self.now()
        client = self._client()
        first: list[tuple[str, float | None]] = []
        batch: list[str] = []
        names = client.scan_iter(match=RECORD + _glob(prefix) + "*", count=SCAN_BATCH)
        async for name in names:
            batch.append(name)
            if len(batch) == SCAN_BATCH:
                first = await self._first_live(client, first, batch, now, limit)
                batch = []
        first = await self._first_live(client, first, batch, now, limit)
        pipe = client.pipeline(transaction=False)
        for key, _ in first:
            pipe.hget(_record(key), "v")
        texts: list[str | None] = cast(Any, await pipe.execute()) if first else []
        return [
            Listed(key, json.loads(text), expires_at)
            for (key, expires_at), text in zip(first, texts, strict=True)
            if text is not None  # consumed meanwhile
        ]

    async def _first_live(
        self,
        client: Client,
        first: list[tuple[str, float | None]],
        names: list[str],
        now: float,
        limit: int,
    ) -> list[tuple[str, float | None]]:
        """first, with the live records among names, cut to the first `limit` in scan order."""
        for name, expires_at in await self._live_among(client, names, now):
            first.append((name[len(RECORD) : -1], expires_at))
        return heapq.nsmallest(limit, first, key=lambda found: scan_order(*found))

    async def _live_among(
        self, client: Client, names: list[str], now: float
    ) -> list[tuple[str, float | None]]:
        """The live records among names, with their expiry: one script on one server (the
        client's reading of a pipeline's thousand answers took 20 times longer); a cluster's
        names span slots, which a script may not, so there a pipeline."""
        if not names:
            return []
        if not self._cluster:
            flat = await LIVE_AMONG(client, names, repr(now))
            return [
                (name, float(e) if e else None)
                for name, e in zip(flat[::2], flat[1::2], strict=True)
            ]
        pipe = client.pipeline(transaction=False)
        for name in names:
            pipe.hmget(name, ["n", "e"])  # every record has a version: none, it is gone
        found: list[list[str | None]] = cast(Any, await pipe.execute())
        return [
            (name, None if expiry is None else float(expiry))
            for name, (version, expiry) in zip(names, found, strict=True)
            if version is not None and (expiry is None or float(expiry) > now)
        ]

    @reachable
    async def incr(self, key: str, ttl: float, amount: int = 1) -> Counter:
        counter = await self._incr(key, ttl, amount)
        assert counter is not None
        return counter

    @reachable
    async def incr_below(self, key: str, ttl: float, amount: int, below: int) -> Counter | None:
        return await self._incr(key, ttl, amount, str(below))

    async def _incr(self, key: str, ttl: float, amount: int, *bound: str) -> Counter | None:
        now = await self.now()
        client = self._client()
        args = (repr(now), _expiry(now, ttl), key, amount, *bound)
        added = await INCR(client, self._with_expiries(key), *args)
        if added is None:
            return None
        value, end, started = added
        if started and self._cluster:  # after: a crash between leaves a counter unpurged
            await client.zadd(EXPIRIES, {key: float(end)})
        return Counter(int(value), float(end))

    @reachable
    async def incr_window(self, key: str, expires_at: float, amount: int) -> int | None:
        now = await self.now()
        value = await INCR_WINDOW(
            self._client(), [_record(key)], repr(now), repr(expires_at), amount
        )
        return None if value is None else int(value)

    @reachable
    async def purge(self, limit: int) -> int:
        """Delete up to `limit` records that the expiry index says are due and that are
        expired still (a record rewritten meanwhile may live on), with their index entries."""
        now = await self.now()
        client = self._client()
        due: list[tuple[str, float]] = cast(
            Any,
            await client.zrangebyscore(EXPIRIES, "-inf", repr(now), 0, limit, withscores=True),
        )
        calls = [(self._with_expiries(key), (repr(now), key, repr(score))) for key, score in due]
        gone = await self._run_all(client, PURGE, calls)
        if self._cluster:
            unexpire = [([EXPIRIES], (key, repr(score))) for key, score in due]
            await self._run_all(client, UNEXPIRE, unexpire)
        untag = [
            (_tag(tag), (key, found[1]))
            for (key, _), found in zip(due, gone, strict=True)
            if found is not None
            for tag in json.loads(found[0] or "[]")
        ]
        await self._run_all(client, UNTAG, untag)
        return sum(found is not None for found in gone)

    async def _run_all(
        self, client: Client, script: Script, calls: Sequence[tuple[list[str], tuple]]
    ) -> list[Any]:
        """The script once per (keys, args), in order: one pipeline on one server (not a
        connection per call), CLUSTER_BATCH at a time side by side on a cluster, whose
        pipelines refuse scripts."""
        if not calls:
            return []
        if self._cluster:
            answers: list[Any] = []
            for start in range(0, len(calls), CLUSTER_BATCH):
                batch = calls[start : start + CLUSTER_BATCH]
                answers += await asyncio.gather(*(script(client, k, *a) for k, a in batch))
            return answers
        answers = await _pipelined(client, script, calls)
        missing = [i for i, answer in enumerate(answers) if isinstance(answer, NoScriptError)]
        if missing:  # a pipeline cannot load a missing script on the way: loaded, then again
            await client.script_load(script.lua)
            again = await _pipelined(client, script, [calls[i] for i in missing])
            for i, answer in zip(missing, again, strict=True):
                answers[i] = answer
        for answer in answers:
            if isinstance(answer, Exception):
                raise answer
        return answers

    @reachable
    async def _wipe(self, generation: str) -> None:
        """FLUSHDB ASYNC: the keys are gone from the database at once, and the server frees
        their memory on a thread of its own (a synchronous FLUSHDB of 1,000 sessions and
        their journal took 5.7 ms of the server's one thread, which the reset waited for).
        On one server the new generation is written in the same transaction: one round
        trip, and no instant where a worker finds the database empty of it."""
        client = self._client()
        if isinstance(client, RedisCluster):
            await client.flushdb(asynchronous=True, target_nodes=RedisCluster.PRIMARIES)
            await self._raw_put(GENERATION_KEY, generation)
            return
        async with client.pipeline(transaction=True) as pipe:
            pipe.flushdb(asynchronous=True)
            pipe.set(_raw(GENERATION_KEY), json.dumps(generation))
            await pipe.execute()

    async def close(self) -> None:
        """Close the clients of this loop and of loops already gone; a live loop's other
        client is that loop's to close."""
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        for loop, client in list(self._clients.items()):
            if loop is current:
                await client.aclose()
            if loop is current or loop.is_closed():
                del self._clients[loop]
