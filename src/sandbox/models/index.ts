/**
 * The list of models the sandbox serves, with the module each comes from (for `ir.model` rows and
 * their `model_…` xml ids). Does not define any model itself.
 */
import type { ModelDef } from '../fields.js'
import { accountMove } from './account.js'
import { accountMoveLine } from './account-line.js'
import { mailActivity, mailActivityType } from './activity.js'
import { resUsersApikeys, resUsersApikeysDescription, resUsersIdentitycheck } from './apikeys.js'
import { irModel, irModelData, resCompany, resCountry, resCurrency, resGroups, resUsers } from './base.js'
import { mailMail, mailMessage, mailMessageSubtype, mailTemplate } from './mail.js'
import { mailingContact, mailingList, mailingSubscription } from './mailing.js'
import { mailingMailing } from './mailing-mailing.js'
import { accountJournal, accountTax, productProduct, resPartner } from './partner.js'
import { saleOrder, saleOrderLine } from './sale.js'

export const MODELS: readonly { module: string; def: ModelDef }[] = [
  { module: 'base', def: resUsers },
  { module: 'base', def: resGroups },
  { module: 'base', def: irModelData },
  { module: 'base', def: irModel },
  { module: 'base', def: resCompany },
  { module: 'base', def: resCountry },
  { module: 'base', def: resCurrency },
  { module: 'base', def: resPartner },
  { module: 'product', def: productProduct },
  { module: 'account', def: accountTax },
  { module: 'account', def: accountJournal },
  { module: 'sale', def: saleOrder },
  { module: 'sale', def: saleOrderLine },
  { module: 'account', def: accountMove },
  { module: 'account', def: accountMoveLine },
  { module: 'mail', def: mailTemplate },
  { module: 'mail', def: mailMail },
  { module: 'mail', def: mailMessage },
  { module: 'mail', def: mailMessageSubtype },
  { module: 'mail', def: mailActivity },
  { module: 'mail', def: mailActivityType },
  { module: 'mass_mailing', def: mailingMailing },
  { module: 'mass_mailing', def: mailingList },
  { module: 'mass_mailing', def: mailingContact },
  { module: 'mass_mailing', def: mailingSubscription },
  { module: 'base', def: resUsersIdentitycheck },
  { module: 'base', def: resUsersApikeysDescription },
  { module: 'base', def: resUsersApikeys },
]
