/**
 * OAuth consent with administrator-defined policy profiles: the consent page lists them, the person
 * picks one, and Countersign checks it in Odoo as them (their groups) before anything is authorised.
 * A profile of someone else's groups is refused on the page, and the Odoo API key made for that
 * attempt is taken back; an allowed one gives a connection that follows the profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStoreConfig } from '../../src/config.js'
import { RISKY_TOOLS } from '../../src/domain/policy.js'
import { getActiveConnectionByGrant, listConnections } from '../../src/store/connections.js'
import { openStore, type Store } from '../../src/store/open-store.js'
import { insertProfile } from '../../src/store/profiles.js'
import { Cleanups } from '../helpers/countersign.js'
import { callTool, type Deployment, startDeployment } from '../helpers/deployment.js'
import { Agent, pkce, signInOverHttp } from '../helpers/oauth-client.js'

const REDIRECT = 'http://127.0.0.1:9/callback'

describe('OAuth consent with policy profiles', () => {
  const cleanups = new Cleanups()
  let d: Deployment
  let base: string
  let store: Store
  let client_id: string
  const ids: Record<string, number> = {}

  const keysOfDemo = async () =>
    (
      await d.odooAdmin.call<Array<{ id: number }>>('res.users.apikeys', 'search_read', {
        kwargs: { domain: [['user_id.login', '=', 'demo']], fields: ['id'] },
      })
    ).length

  beforeAll(async () => {
    d = await startDeployment(cleanups)
    base = (d.servers[0] as { url: string }).url
    store = await openStore(readStoreConfig(d.env), {})
    cleanups.push(() => store.close())
    const policy = (approval_tools: string[]) => ({
      write_access: true,
      allowed_tools: [],
      approval_tools,
      approval_effects: [],
      approver: null,
      approval_expiry_hours: 3,
    })
    for (const [name, group, tools] of [
      ['Sales', 'sales_team.group_sale_salesman', ['delete_record']],
      ['Managers', 'sales_team.group_sale_manager', []],
    ] as const) {
      const made = await insertProfile(
        store.db,
        {
          name,
          description: `For ${name} <b>only</b>`,
          policy: policy([...tools]),
          odoo_groups: [group],
          is_default: false,
        },
        new Date(),
      )
      ids[name] = made.profile_id
    }
    const registered = await fetch(`${base}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Profiles',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      }),
    })
    expect(registered.status).toBe(201)
    client_id = ((await registered.json()) as { client_id: string }).client_id
  }, 60_000)
  afterAll(() => cleanups.run())

  it('the consent page lists every profile with what it allows, escaped', async () => {
    const agent = new Agent()
    const { challenge } = pkce()
    const authorize = await agent.fetch(
      `${base}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id,
        redirect_uri: REDIRECT,
        scope: 'mcp offline_access',
        prompt: 'consent',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        resource: `${base}/mcp`,
      })}`,
    )
    const page = await (
      await agent.fetch(new URL(authorize.headers.get('location') as string, base).href)
    ).text()
    expect(page).toContain(`<option value="${ids.Sales}">Sales (for sales_team.group_sale_salesman)</option>`)
    expect(page).toContain(
      `<option value="${ids.Managers}">Managers (for sales_team.group_sale_manager)</option>`,
    )
    expect(page).toContain('For Sales &lt;b&gt;only&lt;/b&gt;')
    expect(page).not.toContain(RISKY_TOOLS.map((t) => `<code>${t}</code>`).join(', '))
  })

  it('a profile of other groups is refused and leaves no key; one of their groups is followed', async () => {
    const before = { keys: await keysOfDemo(), connections: (await listConnections(store.db)).length }
    await expect(
      signInOverHttp(base, client_id, REDIRECT, {
        login: 'demo',
        password: 'demo',
        profile: String(ids.Managers),
      }),
    ).rejects.toThrow(
      /answered HTTP 422, not 303: .*you may not use this profile \(none of your Odoo groups has it\)/,
    )
    expect({ keys: await keysOfDemo(), connections: (await listConnections(store.db)).length }).toEqual(
      before,
    )

    const tokens = await signInOverHttp(base, client_id, REDIRECT, {
      login: 'demo',
      password: 'demo',
      profile: String(ids.Sales),
    })
    const connections = await listConnections(store.db)
    const made = connections[connections.length - 1]
    expect(made?.oauth_client_id).toBe(client_id)
    expect({ profile: made?.profile_name, gated: made?.approval_tools, owner: made?.odoo_login }).toEqual({
      profile: 'Sales',
      gated: ['delete_record'],
      owner: 'demo',
    })
    const grant = await getActiveConnectionByGrant(store.db, made?.oauth_grant_id as string)
    expect(grant?.profile_id).toBe(ids.Sales)
    const mcp = await d.mcp(tokens.access_token)
    const [partner] = await d.odooAdmin.call<number[]>('res.partner', 'create', {
      kwargs: { vals_list: [{ name: 'OAuth profile partner' }] },
    })
    const pending = await callTool(mcp, 'delete_record', { model: 'res.partner', id: partner })
    expect(pending.status).toBe('pending_approval')
  })
})
