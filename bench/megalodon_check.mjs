#!/usr/bin/env node
/**
 * Compatibility check: drive a running Tidings server with the real megalodon client
 * (10.x, the library Whalebird and other apps use), in its Pleroma mode.
 *
 *     (cd bench && npm install)   # megalodon, pinned in bench/package.json
 *     node bench/megalodon_check.mjs --base http://127.0.0.1:4000
 *
 * Registers three fresh accounts (alice, bob and a stranger) and signs them in with the
 * password grant over plain HTTP (megalodon has no password grant), checks that
 * `detector()` picks "pleroma" from nodeinfo, then uses `generator('pleroma', ...)` for the
 * statuses and timelines group: public, private, direct and spoilered posts, who may see
 * them, replies and context, home/public/local/list timelines with max_id, min_id and
 * since_id, favourites, bookmarks, source and deletion.
 *
 * Endpoints other work is still building (reblogs, pins, status mutes, account statuses,
 * tag timelines, edits, polls, conversations, scheduled posts) are checked too, but a
 * 404/405/501 from them (or a 422 saying "not supported") on a status that exists prints
 * "not yet" instead of failing. Any other failure prints "FAILED name: ..." on stderr and
 * exits 1. Only loopback servers are accepted.
 */

import { randomBytes } from 'node:crypto'
import process from 'node:process'
import axios from 'axios'
import generator, { detector } from 'megalodon'

const SCOPES = 'read write follow'
const OOB = 'urn:ietf:wg:oauth:2.0:oob'
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])
// Other users' views follow a write "within a fraction of a second"; allow a margin.
const PROPAGATION_TIMEOUT_MS = 5000

class CheckFailed extends Error {}

function loopbackBase (url) {
  const parsed = new URL(url)
  if (!['http:', 'https:'].includes(parsed.protocol) || !LOOPBACK_HOSTS.has(parsed.hostname)) {
    throw new Error(`base URL must be http(s) on 127.0.0.1 or localhost, got ${url}`)
  }
  return url.replace(/\/+$/, '')
}

function describe (error) {
  const response = error?.response
  if (response) {
    const { method, url } = response.config ?? {}
    const body = JSON.stringify(response.data) ?? ''
    return `HTTP ${response.status} ${String(method).toUpperCase()} ${url}: ${body.slice(0, 300)}`
  }
  return error?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(error)
}

/** The endpoint is not built yet (rather than broken): other work is adding it now. */
function missing (error) {
  const response = error?.response
  if (!response) return false
  if ([404, 405, 501].includes(response.status)) return true
  return response.status === 422 && /not supported/i.test(JSON.stringify(response.data))
}

function assert (condition, message) {
  if (!condition) throw new CheckFailed(message)
}

const ids = statuses => statuses.map(s => String(s.id))

async function waitFor (condition, what) {
  const deadline = Date.now() + PROPAGATION_TIMEOUT_MS
  while (!(await condition())) {
    if (Date.now() > deadline) throw new CheckFailed(`${what} (waited ${PROPAGATION_TIMEOUT_MS / 1000} s)`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** The call must be refused: 404 (so existence does not leak), or one of `also`. */
async function status404 (call, what, also = []) {
  try {
    const res = await call()
    throw new CheckFailed(`${what}: answered ${res.status} with ${JSON.stringify(res.data).slice(0, 200)}`)
  } catch (error) {
    if (error instanceof CheckFailed) throw error
    if (![404, ...also].includes(error?.response?.status)) throw error
  }
}

class Checks {
  constructor () {
    this.passed = []
    this.notYet = []
  }

  async check (name, body) {
    try {
      await body()
    } catch (error) {
      throw new CheckFailed(`${name}: ${error instanceof CheckFailed ? error.message : describe(error)}`)
    }
    this.passed.push(name)
    console.log(`ok       ${name}`)
  }

  /** As check, but an endpoint that does not exist yet is reported, not failed. */
  async optional (name, body) {
    try {
      await body()
    } catch (error) {
      if (!(error instanceof CheckFailed) && missing(error)) {
        this.notYet.push(name)
        console.log(`not yet  ${name} (${describe(error)})`)
        return
      }
      throw new CheckFailed(`${name}: ${error instanceof CheckFailed ? error.message : describe(error)}`)
    }
    this.passed.push(name)
    console.log(`ok       ${name}`)
  }
}

/** Plain HTTP for what megalodon lacks: apps, accounts, the password grant. */
async function form (base, path, fields, token) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' }
  if (token) headers.Authorization = `Bearer ${token}`
  const res = await fetch(base + path, { method: 'POST', headers, body: new URLSearchParams(fields) })
  const text = await res.text()
  if (!res.ok) throw new CheckFailed(`POST ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

async function runChecks (base) {
  const c = new Checks()
  const suffix = randomBytes(3).toString('hex') // fresh accounts on every run
  // proxy: false so no proxy from the environment carries this traffic off the host.
  const http = axios.create({ timeout: 15000, proxy: false })
  const people = {}

  await c.check('detector', async () => {
    const flavour = await detector(base, http)
    assert(flavour === 'pleroma', `detector picked ${flavour}`)
  })

  let app
  await c.check('register_and_password_grant', async () => {
    app = await form(base, '/api/v1/apps', { client_name: `tidings-megalodon-${suffix}`, redirect_uris: OOB, scopes: SCOPES })
    const appToken = await form(base, '/oauth/token', {
      grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: SCOPES
    })
    for (const role of ['alice', 'bob', 'stranger']) {
      const username = `${role}_${suffix}`
      const password = randomBytes(12).toString('base64url')
      await form(base, '/api/v1/accounts', {
        username, email: `${username}@example.com`, password, agreement: 'true', locale: 'en'
      }, appToken.access_token)
      const token = await form(base, '/oauth/token', {
        grant_type: 'password', username, password, client_id: app.client_id, client_secret: app.client_secret, scope: SCOPES
      })
      assert(token.access_token, `${role}: no access token`)
      people[role] = { username, api: generator('pleroma', base, token.access_token, 'tidings-check', http) }
    }
  })
  const { alice, bob, stranger } = people

  await c.check('getInstance', async () => {
    const { data } = await alice.api.getInstance()
    assert(data.configuration.statuses.max_characters > 0, `max_toot_chars ${data.configuration.statuses.max_characters}`)
    assert(data.configuration.polls.max_options > 0, 'no poll_limits.max_options')
  })

  await c.check('verifyAccountCredentials', async () => {
    for (const person of [alice, bob, stranger]) {
      const { data } = await person.api.verifyAccountCredentials()
      assert(data.username === person.username, `username ${data.username}`)
      assert(Array.isArray(data.emojis), 'no emojis array')
      person.id = String(data.id)
    }
  })

  await c.check('followAccount', async () => {
    const { data } = await bob.api.followAccount(alice.id)
    assert(data.following === true, `bob does not follow alice: ${JSON.stringify(data)}`)
  })

  const posts = {}
  await c.check('postStatus_public', async () => {
    const text = `public post ${suffix}`
    const { data } = await alice.api.postStatus(text, { visibility: 'public' })
    assert(data.visibility === 'public', `visibility ${data.visibility}`)
    assert(data.content.includes(text), `content ${data.content}`)
    assert(String(data.account.id) === alice.id, 'posted as someone else')
    // From status.pleroma.content, which megalodon's Pleroma mode reads without a check.
    assert(data.plain_content === text, `plain_content ${data.plain_content}`)
    assert(data.bookmarked === false && data.favourited === false, 'bookmarked or favourited')
    posts.public = data
  })

  await c.check('postStatus_private', async () => {
    const { data } = await alice.api.postStatus(`followers only ${suffix}`, { visibility: 'private' })
    assert(data.visibility === 'private', `visibility ${data.visibility}`)
    posts.private = data
  })

  await c.check('postStatus_direct', async () => {
    const { data } = await alice.api.postStatus(`@${bob.username} just for you ${suffix}`, { visibility: 'direct' })
    assert(data.visibility === 'direct', `visibility ${data.visibility}`)
    assert(data.mentions.some(m => String(m.id) === bob.id), `mentions ${JSON.stringify(data.mentions)}`)
    posts.direct = data
  })

  await c.check('postStatus_spoiler', async () => {
    const { data } = await alice.api.postStatus(`behind a warning ${suffix}`, {
      visibility: 'public', spoiler_text: 'cw', sensitive: true
    })
    assert(data.spoiler_text === 'cw', `spoiler_text ${data.spoiler_text}`)
    assert(data.sensitive === true, `sensitive ${data.sensitive}`)
    posts.spoiler = data
  })

  await c.check('postStatus_reply', async () => {
    const { data } = await bob.api.postStatus(`a reply ${suffix}`, { in_reply_to_id: posts.public.id })
    assert(data.in_reply_to_id === posts.public.id, `in_reply_to_id ${data.in_reply_to_id}`)
    assert(data.in_reply_to_account_id === alice.id, `in_reply_to_account_id ${data.in_reply_to_account_id}`)
    posts.reply = data
  })

  await c.check('getStatus', async () => {
    for (const [person, post] of [[bob, posts.public], [bob, posts.private], [bob, posts.direct], [stranger, posts.public]]) {
      const { data } = await person.api.getStatus(post.id)
      assert(data.id === post.id, `${person.username} got ${data.id}`)
    }
  })

  await c.check('getStatus_hidden_from_stranger', async () => {
    await status404(() => stranger.api.getStatus(posts.private.id), 'stranger reads the private post')
    await status404(() => stranger.api.getStatus(posts.direct.id), 'stranger reads the direct post')
  })

  await c.check('getStatusContext', async () => {
    const up = (await stranger.api.getStatusContext(posts.reply.id)).data
    assert(ids(up.ancestors).includes(posts.public.id), `ancestors ${ids(up.ancestors)}`)
    await waitFor(
      async () => ids((await alice.api.getStatusContext(posts.public.id)).data.descendants).includes(posts.reply.id),
      "bob's reply is not among the descendants"
    )
  })

  await c.check('getStatusSource', async () => {
    const { data } = await alice.api.getStatusSource(posts.public.id)
    assert(data.text === `public post ${suffix}`, `text ${data.text}`)
  })

  await c.check('getHomeTimeline', async () => {
    await waitFor(
      async () => ids((await bob.api.getHomeTimeline()).data).includes(posts.spoiler.id),
      "alice's last post is not in bob's home timeline"
    )
    const home = ids((await bob.api.getHomeTimeline({ limit: 40 })).data)
    for (const name of ['public', 'private', 'direct', 'spoiler', 'reply']) {
      assert(home.includes(posts[name].id), `${name} post missing from bob's home`)
    }
    const theirs = ids((await stranger.api.getHomeTimeline()).data)
    assert(!theirs.includes(posts.private.id) && !theirs.includes(posts.direct.id), "in the stranger's home")
  })

  await c.check('getHomeTimeline_pagination', async () => {
    const all = ids((await bob.api.getHomeTimeline({ limit: 40 })).data)
    assert(all.length >= 5, `only ${all.length} statuses`)
    assert(all.every((id, i) => i === 0 || all[i - 1] > id), `not newest first: ${all}`)
    const first = await bob.api.getHomeTimeline({ limit: 2 })
    assert(ids(first.data).join() === all.slice(0, 2).join(), `limit 2: ${ids(first.data)}`)
    const link = first.headers.link ?? ''
    assert(/max_id=/.test(link) && /rel="next"/.test(link), `Link header ${link}`)
    const older = ids((await bob.api.getHomeTimeline({ limit: 2, max_id: all[1] })).data)
    assert(older.join() === all.slice(2, 4).join(), `max_id: ${older} (want ${all.slice(2, 4)})`)
    const newer = ids((await bob.api.getHomeTimeline({ limit: 2, min_id: all[4] })).data)
    assert([...newer].sort().join() === all.slice(2, 4).sort().join(), `min_id: ${newer} (want ${all.slice(2, 4)})`)
    const since = ids((await bob.api.getHomeTimeline({ limit: 2, since_id: all[4] })).data)
    assert(since.join() === all.slice(0, 2).join(), `since_id: ${since} (want ${all.slice(0, 2)})`)
  })

  await c.check('getPublicTimeline', async () => {
    await waitFor(
      async () => ids((await stranger.api.getPublicTimeline()).data).includes(posts.reply.id),
      'the reply is not in the public timeline'
    )
    const list = ids((await stranger.api.getPublicTimeline({ limit: 40 })).data)
    assert(list.includes(posts.public.id) && list.includes(posts.spoiler.id), 'public posts missing')
    assert(!list.includes(posts.private.id) && !list.includes(posts.direct.id), 'a private or direct post is public')
    const first = ids((await stranger.api.getPublicTimeline({ limit: 2 })).data)
    const older = ids((await stranger.api.getPublicTimeline({ limit: 2, max_id: first[1] })).data)
    assert(older.every(id => id < first[1]), `max_id page not older: ${older} after ${first}`)
    const since = ids((await stranger.api.getPublicTimeline({ since_id: posts.public.id })).data)
    assert(since.includes(posts.reply.id) && !since.includes(posts.public.id), `since_id: ${since}`)
    const after = ids((await stranger.api.getPublicTimeline({ min_id: posts.public.id, limit: 1 })).data)
    assert(after.length === 1 && after[0] > posts.public.id, `min_id: ${after}`)
  })

  await c.check('getLocalTimeline', async () => {
    const list = ids((await stranger.api.getLocalTimeline({ limit: 40 })).data)
    assert(list.includes(posts.public.id), 'the public post is not in the local timeline')
    assert(!list.includes(posts.private.id), 'the private post is in the local timeline')
  })

  await c.check('getListTimeline', async () => {
    const list = (await bob.api.createList(`friends ${suffix}`)).data
    await bob.api.addAccountsToList(list.id, [alice.id])
    await waitFor(
      async () => ids((await bob.api.getListTimeline(list.id, { limit: 40 })).data).includes(posts.spoiler.id),
      "alice's post is not in bob's list timeline"
    )
  })

  await c.check('getListTimeline_reblog', async () => {
    const list = (await bob.api.createList(`boosts ${suffix}`)).data
    await bob.api.addAccountsToList(list.id, [alice.id])
    const original = (await stranger.api.postStatus(`boost me ${suffix}`, { visibility: 'public' })).data
    const boosted = (await alice.api.reblogStatus(original.id)).data
    const inList = async () => (await bob.api.getListTimeline(list.id, { limit: 40 })).data
    await waitFor(
      async () => (await inList()).some(s => s.id === boosted.id && s.reblog?.id === original.id),
      "alice's reblog is not in bob's list timeline"
    )
    await alice.api.unreblogStatus(original.id)
    await waitFor(async () => !ids(await inList()).includes(boosted.id), 'the undone reblog stays in the list')
    await bob.api.deleteList(list.id)
  })

  await c.check('favouriteStatus', async () => {
    const { data } = await bob.api.favouriteStatus(posts.public.id)
    assert(data.favourited === true && data.favourites_count === 1, `favourited ${data.favourited}, count ${data.favourites_count}`)
    const favs = ids((await bob.api.getFavourites()).data)
    assert(favs.includes(posts.public.id), 'not in getFavourites')
    const by = (await alice.api.getStatusFavouritedBy(posts.public.id)).data
    assert(by.some(a => String(a.id) === bob.id), 'bob is not in favourited_by')
  })

  await c.check('favouriteStatus_hidden_from_stranger', async () => {
    await status404(() => stranger.api.favouriteStatus(posts.private.id), 'stranger favourites the private post')
  })

  await c.check('unfavouriteStatus', async () => {
    const { data } = await bob.api.unfavouriteStatus(posts.public.id)
    assert(data.favourited === false && data.favourites_count === 0, `favourited ${data.favourited}, count ${data.favourites_count}`)
    assert(!ids((await bob.api.getFavourites()).data).includes(posts.public.id), 'still in getFavourites')
  })

  await c.check('bookmarkStatus', async () => {
    for (const post of [posts.public, posts.private]) {
      const { data } = await bob.api.bookmarkStatus(post.id)
      assert(data.bookmarked === true, `bookmarked ${data.bookmarked}`)
    }
    const marks = ids((await bob.api.getBookmarks()).data)
    assert(marks.includes(posts.public.id) && marks.includes(posts.private.id), `getBookmarks ${marks}`)
    const page = ids((await bob.api.getBookmarks({ limit: 1 })).data)
    assert(page.length === 1, `limit 1 gave ${page.length}`)
  })

  await c.check('unbookmarkStatus', async () => {
    const { data } = await bob.api.unbookmarkStatus(posts.public.id)
    assert(data.bookmarked === false, `bookmarked ${data.bookmarked}`)
    assert(!ids((await bob.api.getBookmarks()).data).includes(posts.public.id), 'still in getBookmarks')
  })

  // ---- endpoints being built now: "not yet" when missing -------------------------------

  await c.optional('getAccountStatuses', async () => {
    const mine = ids((await stranger.api.getAccountStatuses(alice.id, { limit: 40 })).data)
    assert(mine.includes(posts.public.id), 'the public post is missing')
    assert(!mine.includes(posts.private.id) && !mine.includes(posts.direct.id), 'a stranger sees the private or direct post')
    const theirs = ids((await bob.api.getAccountStatuses(alice.id, { limit: 40 })).data)
    assert(theirs.includes(posts.private.id), 'a follower does not see the private post')
  })

  await c.optional('reblogStatus', async () => {
    const { data } = await bob.api.reblogStatus(posts.public.id)
    assert(data.reblog?.id === posts.public.id, `reblog ${JSON.stringify(data.reblog)?.slice(0, 100)}`)
    assert(data.reblog.reblogged === true, `reblogged ${data.reblog.reblogged}`)
    await status404(() => stranger.api.reblogStatus(posts.private.id), 'stranger reblogs the private post')
  })

  await c.optional('getStatusRebloggedBy', async () => {
    const by = (await alice.api.getStatusRebloggedBy(posts.public.id)).data
    assert(by.some(a => String(a.id) === bob.id), 'bob is not in reblogged_by')
  })

  await c.optional('unreblogStatus', async () => {
    const { data } = await bob.api.unreblogStatus(posts.public.id)
    assert(data.reblogged === false, `reblogged ${data.reblogged}`)
  })

  await c.optional('pinStatus', async () => {
    const { data } = await alice.api.pinStatus(posts.public.id)
    assert(data.pinned === true, `pinned ${data.pinned}`)
    const pinned = ids((await stranger.api.getAccountStatuses(alice.id, { pinned: true })).data)
    assert(pinned.join() === posts.public.id, `pinned statuses ${pinned}`)
  })

  await c.optional('unpinStatus', async () => {
    const { data } = await alice.api.unpinStatus(posts.public.id)
    assert(data.pinned === false, `pinned ${data.pinned}`)
  })

  await c.optional('muteStatus', async () => {
    const { data } = await alice.api.muteStatus(posts.public.id)
    assert(data.muted === true, `muted ${data.muted}`)
  })

  await c.optional('unmuteStatus', async () => {
    const { data } = await alice.api.unmuteStatus(posts.public.id)
    assert(data.muted === false, `muted ${data.muted}`)
  })

  await c.optional('getTagTimeline', async () => {
    const tag = `tidings${suffix}`
    const tagged = (await alice.api.postStatus(`tagged #${tag}`, { visibility: 'public' })).data
    await waitFor(
      async () => ids((await stranger.api.getTagTimeline(tag)).data).includes(tagged.id),
      'the tagged post is not in the tag timeline'
    )
  })

  await c.optional('editStatus', async () => {
    const { data } = await alice.api.editStatus(posts.public.id, { status: `edited post ${suffix}` })
    assert(data.content.includes(`edited post ${suffix}`), `content ${data.content}`)
    assert(data.edited_at, 'no edited_at')
  })

  await c.optional('votePoll', async () => {
    const { data } = await alice.api.postStatus(`a poll ${suffix}`, {
      poll: { options: ['yes', 'no'], expires_in: 3600 }
    })
    assert(data.poll?.options?.length === 2, `poll ${JSON.stringify(data.poll)}`)
    const got = (await bob.api.getPoll(data.poll.id)).data
    assert(got.id === data.poll.id, `getPoll ${got.id}`)
    const voted = (await bob.api.votePoll(data.poll.id, [0])).data
    assert(voted.voted === true && voted.options[0].votes_count === 1, `after voting ${JSON.stringify(voted)}`)
  })

  await c.optional('getConversationTimeline', async () => {
    const convs = (await bob.api.getConversationTimeline()).data
    assert(convs.some(cv => cv.last_status?.id === posts.direct.id), 'the direct post is in no conversation')
  })

  await c.optional('scheduledStatus', async () => {
    const at = new Date(Date.now() + 3600_000).toISOString()
    const { data } = await alice.api.postStatus(`later ${suffix}`, { scheduled_at: at })
    assert(data.scheduled_at, `not a scheduled status: ${JSON.stringify(data).slice(0, 200)}`)
    await alice.api.cancelScheduledStatus(data.id)
  })

  // ---------------------------------------------------------------------------------------

  await c.check('deleteStatus', async () => {
    const { data } = await alice.api.deleteStatus(posts.spoiler.id)
    assert(data.id === posts.spoiler.id, `returned status ${data.id}`)
    await status404(() => alice.api.getStatus(posts.spoiler.id), 'the deleted status is still served')
    await waitFor(
      async () => !ids((await stranger.api.getPublicTimeline({ limit: 40 })).data).includes(posts.spoiler.id),
      'the deleted status is still in the public timeline'
    )
    await status404(() => stranger.api.deleteStatus(posts.public.id), "a stranger deletes alice's post", [403])
  })

  return c
}

async function main () {
  const args = process.argv.slice(2)
  const at = args.indexOf('--base')
  let base
  try {
    base = loopbackBase(at >= 0 ? args[at + 1] ?? '' : 'http://127.0.0.1:4000')
  } catch (error) {
    console.error(error.message)
    return 2
  }
  let checks
  try {
    checks = await runChecks(base)
  } catch (error) {
    console.error(`FAILED ${error instanceof CheckFailed ? error.message : describe(error)}`)
    return 1
  }
  const later = checks.notYet.length ? `; not yet: ${checks.notYet.join(', ')}` : ''
  console.log(`${checks.passed.length} checks passed against ${base}${later}`)
  return 0
}

process.exitCode = await main()
