import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { canonicalJson } from '../../src/domain/canonical-json.js'
import {
  HIDDEN,
  looksSecret,
  maskSecrets,
  nameWords,
  parseSecretsText,
  restoreSecrets,
  SecretsMismatch,
  secretsText,
} from '../../src/domain/secrets.js'
import { ODOO_TOOLS } from '../../src/tools/catalog.js'

describe('looksSecret (rule 1)', () => {
  it.each([
    'password',
    'new_password',
    'old_passwd',
    'confirm_password',
    'passwordConfirm',
    'pwd',
    'passphrase',
    'secret',
    'client_secret',
    'totp_secret',
    'token',
    'access_token',
    'signup_token',
    'X-Auth-Token',
    'apikey',
    'apiKey',
    'api_key',
    'key',
    'secret_key',
    'private key',
    'privateKey',
    'credentials',
    'change_password',
    'set_api_key',
  ])('%s is a secret', (name) => {
    expect(looksSecret(name)).toBe(true)
  })

  it.each([
    'name',
    'login',
    'email',
    'keyword',
    'keys',
    'monkey',
    'key_id',
    'api_key_ids',
    'token_count',
    'secret_uid',
    'password_ids',
    'passport',
    'tokenizer',
    'model',
    'method',
    'action_confirm',
    '',
  ])('%s is not', (name) => {
    expect(looksSecret(name)).toBe(false)
  })

  it('splits names into words at separators and camelCase', () => {
    expect(nameWords('oldPasswd')).toEqual(['old', 'passwd'])
    expect(nameWords('X-Auth-Token')).toEqual(['x', 'auth', 'token'])
    expect(nameWords('api_key.v2')).toEqual(['api', 'key', 'v2'])
  })

  it('no tool parameter of the catalog is named like a secret (they are never hidden)', () => {
    const names = ODOO_TOOLS.flatMap((tool) =>
      tool.input instanceof z.ZodObject ? Object.keys(tool.input.shape) : [],
    )
    expect(names).toContain('model')
    expect(names.filter(looksSecret)).toEqual([])
  })
})

describe('maskSecrets', () => {
  it('change_password by name: both passwords hidden, the rest of the call kept', () => {
    const args = {
      model: 'res.users',
      method: 'change_password',
      kwargs: { old_passwd: 'Old-123', new_passwd: 'New-456' },
    }
    const { masked, secrets } = maskSecrets('execute_method', args)
    expect(masked).toEqual({
      model: 'res.users',
      method: 'change_password',
      kwargs: { old_passwd: HIDDEN, new_passwd: HIDDEN },
    })
    expect(secrets).toEqual([
      { path: ['kwargs', 'new_passwd'], value: 'New-456' },
      { path: ['kwargs', 'old_passwd'], value: 'Old-123' },
    ])
  })

  it('a secret method: every string of args and kwargs hidden, numbers and the context kept', () => {
    const { masked, secrets } = maskSecrets('execute_method', {
      model: 'res.users',
      method: 'change_password',
      args: ['Old-123', 'New-456'],
      kwargs: { hint: 'x', context: { lang: 'en_US', active_test: false } },
    })
    expect(masked).toEqual({
      model: 'res.users',
      method: 'change_password',
      args: [HIDDEN, HIDDEN],
      kwargs: { hint: HIDDEN, context: { lang: 'en_US', active_test: false } },
    })
    expect(secrets.map((s) => s.path)).toEqual([
      ['args', 0],
      ['args', 1],
      ['kwargs', 'hint'],
    ])

    const onRecords = maskSecrets('execute_method', {
      model: 'res.users',
      method: 'action_reset_password',
      args: [[7, 8], { note: 'abc' }, ''],
    })
    expect(onRecords.masked.args).toEqual([[7, 8], { note: HIDDEN }, ''])
  })

  it('a secret method name is rule 2 only for execute_method, and only its args and kwargs', () => {
    const call = { model: 'res.users', method: 'change_password', args: ['a'] }
    expect(maskSecrets('some_other_tool', call).secrets).toEqual([])
    expect(maskSecrets('execute_method', { ...call, method: 'write' }).secrets).toEqual([])
  })

  it('secret keys at any depth: values, x2many commands, kwargs, the context', () => {
    const { masked, secrets } = maskSecrets('create_record', {
      model: 'res.users',
      values: {
        login: 'ana',
        password: 'pw-1',
        company_ids: [[6, 0, [1, 2]]],
        child_ids: [[0, 0, { name: 'x', api_key: 'k-2', pin: 1234 }]],
        settings: { oauth: { access_token: 'tok-3', refresh_token: 4567 } },
      },
    })
    expect(masked).toEqual({
      model: 'res.users',
      values: {
        login: 'ana',
        password: HIDDEN,
        company_ids: [[6, 0, [1, 2]]],
        child_ids: [[0, 0, { name: 'x', api_key: HIDDEN, pin: 1234 }]],
        settings: { oauth: { access_token: HIDDEN, refresh_token: HIDDEN } },
      },
    })
    expect(secrets.map((s) => s.value).sort()).toEqual([4567, 'k-2', 'pw-1', 'tok-3'].sort())

    const context = maskSecrets('execute_method', {
      model: 'x',
      method: 'do_it',
      kwargs: { context: { signup_token: 's-4', lang: 'fr_FR' } },
    })
    expect(context.masked.kwargs).toEqual({ context: { signup_token: HIDDEN, lang: 'fr_FR' } })
  })

  it('under a secret key, strings and numbers hidden however deep; empty, booleans and null kept', () => {
    const { masked } = maskSecrets('update_record', {
      model: 'res.users',
      ids: [5],
      values: { password: '', secret: { parts: ['a', 1, true, null] }, token: false },
    })
    expect(masked.values).toEqual({
      password: '',
      secret: { parts: [HIDDEN, HIDDEN, true, null] },
      token: false,
    })
  })

  it('leaves a call without secrets exactly as it was (the same canonical JSON)', () => {
    const calls = fc.record({
      model: fc.constantFrom('res.partner', 'sale.order'),
      method: fc.constantFrom('write', 'action_confirm', 'message_post'),
      ids: fc.array(fc.nat(), { maxLength: 3 }),
      kwargs: fc.dictionary(fc.constantFrom('name', 'phone', 'note', 'context', 'vals'), fc.jsonValue()),
    })
    fc.assert(
      fc.property(calls, (call) => {
        const { masked, secrets } = maskSecrets('execute_method', call)
        expect(secrets).toEqual([])
        expect(canonicalJson(masked)).toBe(canonicalJson(call))
      }),
    )
  })

  it('lists the secrets in canonical order, whatever the order of the keys', () => {
    const a = maskSecrets('create_record', { model: 'm', values: { password: 'p', token: 't' } })
    const b = maskSecrets('create_record', { values: { token: 't', password: 'p' }, model: 'm' })
    expect(secretsText(a.secrets)).toBe(secretsText(b.secrets))
    expect(canonicalJson(a.masked)).toBe(canonicalJson(b.masked))
  })

  it('keeps a key named __proto__ as data, never as a prototype', () => {
    const args = JSON.parse('{"model":"m","values":{"__proto__":{"password":"p"}}}') as {
      values: Record<string, unknown>
    }
    const { masked, secrets } = maskSecrets('create_record', args)
    expect(Object.getPrototypeOf(masked.values)).toBe(Object.prototype)
    expect(Object.hasOwn(masked.values, '__proto__')).toBe(true)
    expect(secrets).toEqual([{ path: ['values', '__proto__', 'password'], value: 'p' }])
    expect(restoreSecrets('create_record', JSON.parse(JSON.stringify(masked)), secrets)).toEqual(args)
  })
})

describe('restoreSecrets', () => {
  const call = {
    model: 'res.users',
    method: 'change_password',
    args: ['Old-123', 'New-456'],
    kwargs: { context: { lang: 'en_US' } },
  }

  it('rebuilds the exact arguments, also through the sealed text', () => {
    const { masked, secrets } = maskSecrets('execute_method', call)
    const stored = JSON.parse(canonicalJson(masked)) as typeof call
    const opened = parseSecretsText(secretsText(secrets))
    expect(restoreSecrets('execute_method', stored, opened)).toEqual(call)
    expect(stored.args).toEqual([HIDDEN, HIDDEN]) // not changed in place
  })

  it('round-trips any arguments', () => {
    const secretish = fc.constantFrom('password', 'token', 'api_key', 'name', 'note', 'ids')
    const args = fc.record({
      model: fc.constant('res.users'),
      method: fc.constantFrom('change_password', 'write'),
      args: fc.array(fc.jsonValue(), { maxLength: 3 }),
      kwargs: fc.dictionary(secretish, fc.jsonValue()),
    })
    fc.assert(
      fc.property(args, (value) => {
        const normal = JSON.parse(JSON.stringify(value)) as typeof value
        const { masked, secrets } = maskSecrets('execute_method', normal)
        const back = restoreSecrets('execute_method', masked, parseSecretsText(secretsText(secrets)))
        expect(canonicalJson(back)).toBe(canonicalJson(normal))
      }),
    )
  })

  it('refuses a missing seal: the placeholder would reach Odoo as the password', () => {
    const { masked } = maskSecrets('execute_method', call)
    expect(() => restoreSecrets('execute_method', masked, [])).toThrow(SecretsMismatch)
    expect(() => restoreSecrets('execute_method', masked, [{ path: ['args', 0], value: 'x' }])).toThrow(
      /\.args\[1\] is missing/,
    )
  })

  it('refuses secrets that do not fit the arguments', () => {
    const { masked, secrets } = maskSecrets('execute_method', call)
    const moved = secrets.map((s) => ({ ...s, path: ['kwargs', 'context', 'lang'] }))
    expect(() => restoreSecrets('execute_method', masked, moved)).toThrow(/no hidden value/)
    expect(() => restoreSecrets('execute_method', masked, [{ path: ['args', 9], value: 'x' }])).toThrow(
      SecretsMismatch,
    )
    expect(() => parseSecretsText('{"path":1}')).toThrow(SecretsMismatch)
    expect(() => parseSecretsText('[{"path":[{}],"value":"x"}]')).toThrow(SecretsMismatch)
  })

  it('runs arguments stored before masking (no seal, values in clear) as they are', () => {
    expect(restoreSecrets('execute_method', call, [])).toEqual(call)
  })
})
