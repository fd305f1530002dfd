/**
 * How the page words a media object that is not shown (issue 17 §3 placeholders): not kept yet,
 * expired on the server (with the date it was first seen missing), refused (why), failed, no URL.
 * One place, so images, voice, video and files say the same.
 */
import type { MediaStatus } from '@shared/ipc/contract'
import { fmtDateTime, t } from '@renderer/lib/i18n'

export interface MediaWording {
  title: string
  detail: string
  tone: 'muted' | 'warn'
}

export function refusedReason(reason: string | undefined): string {
  switch (reason) {
    case 'too-big':
      return t('media.reason.too-big')
    case 'type-not-allowed':
      return t('media.reason.type-not-allowed')
    case 'host-not-allowed':
      return t('media.reason.host-not-allowed')
    case 'private-address':
      return t('media.reason.private-address')
    default:
      return t('media.reasonOther', { reason: (reason ?? '').slice(0, 40) })
  }
}

/** The placeholder's words for an object without a kept copy. */
export function describeMedia(s: MediaStatus | undefined): MediaWording {
  switch (s?.status) {
    case 'expired':
      return {
        title: t('media.expired'),
        detail: s.firstSeenAt ? t('media.expiredSince', { date: fmtDateTime(s.firstSeenAt, { dateStyle: 'medium' }) }) : '',
        tone: 'warn'
      }
    case 'refused':
      return { title: t('media.refused'), detail: refusedReason(s.reason), tone: 'warn' }
    case 'failed':
      return { title: t('media.failed'), detail: '', tone: 'warn' }
    case 'no-url':
      return { title: t('media.noUrl'), detail: '', tone: 'muted' }
    default:
      return { title: t('media.pending'), detail: t('media.pendingHint'), tone: 'muted' }
  }
}
