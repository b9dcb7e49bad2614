import { randomBytes, randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Clock } from '../../core/clock';
import type { Db } from '../../db/database';
import type { AgentsTable } from '../../db/schema';
import { AppError } from '../../errors';
import { hashToken } from '../../tokens';

const PERIOD_SECONDS = 30;
const RECOVERY_CODES = 10;

const totpOf = (secret: string, label: string) =>
  new TOTP({ issuer: 'Parley', label, secret: Secret.fromBase32(secret), period: PERIOD_SECONDS });

/** A recovery code as people type it: 10 characters of a-z and 2-9, in two groups. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * TOTP (RFC 6238, with otpauth) and recovery codes. A TOTP code is good once: the step it
 * belongs to is recorded, and a code of that step or an earlier one is refused. A recovery code
 * is good once too.
 */
export class TwoFactor {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** A new secret (not in use until confirmed), its otpauth URI and a QR code as an SVG data URL. */
  async setUp(agent: AgentsTable): Promise<{ secret: string; uri: string; qrCode: string }> {
    const secret = new Secret({ size: 20 }).base32;
    await this.db
      .updateTable('agents')
      .set({ totp_secret: secret, totp_enabled_at: null, totp_last_step: null })
      .where('id', '=', agent.id)
      .execute();
    const uri = totpOf(secret, agent.email).toString();
    const svg = await QRCode.toString(uri, { type: 'svg', margin: 1 });
    return {
      secret,
      uri,
      qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    };
  }

  /** Turns two-factor sign-in on with a first good code; returns the recovery codes, shown once. */
  async enable(agent: AgentsTable, code: string): Promise<string[]> {
    if (!agent.totp_secret)
      throw new AppError('invalid_payload', 'Set up two-factor sign-in first');
    await this.useTotp(agent, code);
    return this.newRecoveryCodes(agent, true);
  }

  /** New recovery codes for a good code (from the app or a recovery code); the old ones stop working. */
  async regenerate(agent: AgentsTable, code: string): Promise<string[]> {
    this.mustBeOn(agent);
    await this.verify(agent, code);
    return this.newRecoveryCodes(agent, false);
  }

  /** Turns two-factor sign-in off for a good code: the secret and the recovery codes go. */
  async disable(agent: AgentsTable, code: string): Promise<void> {
    this.mustBeOn(agent);
    await this.verify(agent, code);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('agent_id', '=', agent.id).execute();
      await trx
        .updateTable('agents')
        .set({ totp_secret: null, totp_enabled_at: null })
        .where('id', '=', agent.id)
        .execute();
    });
  }

  private mustBeOn(agent: AgentsTable): void {
    if (agent.totp_enabled_at === null) {
      throw new AppError('two_factor_not_enabled', 'Two-factor sign-in is not on');
    }
  }

  private async newRecoveryCodes(agent: AgentsTable, enable: boolean): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    const at = new Date(this.clock.now()).toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('agent_id', '=', agent.id).execute();
      await trx
        .insertInto('recovery_codes')
        .values(
          codes.map((c) => ({
            id: randomUUID(),
            agent_id: agent.id,
            code_hash: hashToken(normalizeRecovery(c)),
            created_at: at,
            used_at: null,
          })),
        )
        .execute();
      if (enable) {
        await trx
          .updateTable('agents')
          .set({ totp_enabled_at: at })
          .where('id', '=', agent.id)
          .execute();
      }
    });
    return codes;
  }

  /** Checks the second factor of a sign-in: six digits from the app, or a recovery code. */
  async verify(agent: AgentsTable, code: string): Promise<void> {
    if (/^\d{6}$/.test(code)) return this.useTotp(agent, code);
    const at = new Date(this.clock.now()).toISOString();
    const result = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: at })
      .where('agent_id', '=', agent.id)
      .where('code_hash', '=', hashToken(normalizeRecovery(code)))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new AppError('invalid_code', 'That code is not right, or was already used');
    }
  }

  /** Accepts a code of the current step (or one either side, for clock drift) that is newer than the last one used. */
  private async useTotp(agent: AgentsTable, code: string): Promise<void> {
    const now = this.clock.now();
    const delta = totpOf(agent.totp_secret ?? '', agent.email).validate({
      token: code,
      timestamp: now,
      window: 1,
    });
    if (delta === null) throw new AppError('invalid_code', 'That code is not right');
    const step = Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
    // One statement decides, so two sign-ins racing with the same code cannot both pass.
    const result = await this.db
      .updateTable('agents')
      .set({ totp_last_step: step })
      .where('id', '=', agent.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new AppError('code_used', 'That code was already used: wait for the next one');
    }
  }
}
