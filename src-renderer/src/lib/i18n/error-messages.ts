/**
 * How the page words the host's errors (AppError: a code with params, see describe-error.ts),
 * merged into the UI tables in messages.ts. `err.CODE` is a kind's sentence, `err.CODE.reason` one
 * case of it (params.reason); `api.N` is what the IM API's ErrorCode N means. The English meanings
 * come from shared/error-codes.ts, the same text the CLI prints; the Chinese ones are written here,
 * one for every code in that table (a unit test checks).
 */
import { errorCodes } from '@shared/error-codes'

type ApiKey = `api.${number}`

const apiEn = Object.fromEntries(Object.entries(errorCodes).map(([code, info]) => [`api.${code}`, info.meaning])) as Record<ApiKey, string>

const apiZh: Record<ApiKey, string> = {
  'api.10002': '服务器内部错误（请重试）',
  'api.10003': '命令字无效：接口名称错误',
  'api.10004': '参数无效',
  'api.10006': '群组操作已达频率上限',
  'api.10007': '无操作权限：账号必须是 App 管理员，且直播群（AVChatRoom/BChatRoom）不保存历史消息',
  'api.10010': '群组不存在或已解散',
  'api.10015': '群组 ID 无效：没有这个 ID 的群组',
  'api.10018': '应答超过 1 MB：请减少一次拉取的消息数',
  'api.10026': '此 SDKAppID 已禁用该命令',
  'api.40001': '资料请求参数错误（例如一次超过 100 个账号）',
  'api.40003': '账号不存在：从未导入或已删除',
  'api.40004': '资料请求需要 App 管理员权限',
  'api.40006': '资料服务内部错误（请重试）',
  'api.60002': 'HTTP 解析错误：请检查请求 URL 格式',
  'api.60003': '无法解析请求的 JSON',
  'api.60004': '请求中的账号或签名错误',
  'api.60005': '请求中的账号或签名错误',
  'api.60006': 'SDKAppID 无效',
  'api.60007': 'REST 调用频率超过上限',
  'api.60008': '服务请求超时',
  'api.60009': '请求的资源错误：请检查 URL 路径',
  'api.60010': '请求需要 App 管理员权限：该账号不是 App 管理员',
  'api.60011': 'SDKAppID 请求频率超过上限',
  'api.60012': 'URL 中缺少 sdkappid 参数',
  'api.60013': '服务器无法解析自身的 HTTP 应答 JSON',
  'api.60014': '置换账号超时',
  'api.60015': '账号字段类型错误：必须是字符串',
  'api.60016': '该 SDKAppID 已被禁用',
  'api.60017': '请求已被禁用',
  'api.60018': '请求过于频繁，请稍后再试',
  'api.60019': '请求过于频繁，请稍后再试',
  'api.60020': '付费套餐已到期，服务已停止',
  'api.60021': '此 IP 地址不在 REST API 的白名单中',
  'api.70001': 'UserSig 已过期',
  'api.70002': 'UserSig 为空',
  'api.70003': 'UserSig 无效或无法解析',
  'api.70005': 'UserSig 无效',
  'api.70009': '签名校验失败：密钥错误，或属于另一个 SDKAppID',
  'api.70013': '账号与 UserSig 中的账号不一致',
  'api.70014': 'SDKAppID 与 UserSig 中的 SDKAppID 不一致',
  'api.70016': '找不到此 SDKAppID 的密钥：请检查地域（数据中心）',
  'api.70020': '找不到该 SDKAppID：请检查 SDKAppID 和地域',
  'api.70050': '签名校验失败次数过多：请等一分钟再试',
  'api.70051': '该账号已被列入黑名单',
  'api.70052': 'UserSig 已过期或无效',
  'api.70107': '该账号尚未导入即时通信 IM',
  'api.70114': '出于安全原因，登录受限',
  'api.70169': '服务器内部超时',
  'api.70202': '服务器内部超时',
  'api.70206': '请求中的批量数量无效',
  'api.70398': '账号数量超过上限',
  'api.70402': '参数无效',
  'api.70403': '请求需要 App 管理员权限',
  'api.70500': '服务器内部错误'
}

export const errorsEn = {
  'err.details': 'Details',
  'err.api': '{meaning} (error {code})',
  'err.api.unknown': 'The IM server refused the request with error {code}, which this app does not know.',
  'err.api.retried': '{text} The app gave up after several tries.',

  'err.NETWORK': 'Could not reach the IM server. Check the network, and the region or endpoint.',
  'err.TIMEOUT': 'The IM server did not answer in time.',
  'err.HTTP': 'The IM server answered with an HTTP error. Check the region or endpoint.',
  'err.BAD_BODY': 'The server’s answer is not valid JSON: is the endpoint a Tencent IM REST API?',

  'err.INVALID': 'The request was refused as invalid.',
  'err.INVALID.request': 'The app sent the host a request it refused as invalid.',
  'err.INVALID.connection': 'These connection details cannot be used.',
  'err.INVALID.groupId': 'A group ID must be 1 to 48 characters without control characters.',
  'err.INVALID.split': 'The way to split the export is not valid.',
  'err.INVALID.exportGone': 'This export no longer exists: it finished, was cancelled or timed out.',

  'err.NOT_CONNECTED': 'No workspace is connected.',
  'err.NOT_CONNECTED.none': 'No workspace is connected: enter the SDKAppID, admin identifier and secret key first.',
  'err.NOT_CONNECTED.keyLost': 'The secret key for {workspace} is not saved on this computer any more: enter it again to reconnect.',
  'err.NOT_CONNECTED.otherWorkspace': 'This archive belongs to workspace {wanted}, but {connected} is connected. Connect to {wanted} to sync it.',

  'err.UNSUPPORTED': 'This version of the app cannot do that here.',
  'err.OPEN_FAILED': 'The system could not open the link.',

  'err.BUSY': 'The host is busy with an earlier request.',
  'err.BUSY.sync': 'A sync is already running: wait for it to finish or cancel it first.',
  'err.BUSY.exportChunk': 'A part of this export is still being written.',

  'err.CANCELLED': 'Cancelled.',
  'err.CANCELLED.sync': 'The sync was cancelled.',
  'err.CANCELLED.export': 'The export was cancelled.',
  'err.CANCELLED.noDestination': 'No destination was chosen.',
  'err.CANCELLED.save': 'The file was not saved.',
  'err.INVALID.mediaHost':
    '“{host}” cannot be added to the allowed hosts: give a host name such as files.example.com or *.example.com (not * or a whole top-level domain).',
  'err.NOT_FOUND.media': 'This file is not kept in the archive.',
  'err.SAVE_FAILED': 'The file could not be saved.',

  'err.INTERNAL': 'Something unexpected went wrong in the app’s host.',
  'err.INTERNAL.noDownloadDir': 'No download folder is configured.',
  'err.STORE': 'Could not save to the local archive. Nothing of this batch was kept.',
  'err.SECRET_STORE': 'The secret key could not be saved encrypted on this computer (is the system keyring unlocked?).',
  'err.EXPORT': 'The export failed.',
  'err.NO_HISTORY': '{type} groups keep no message history: Tencent IM stores no roaming messages for them.',
  'err.NOT_FOUND': 'The IM server returned nothing for group {groupId}.',
  'err.unknown': 'Error {code}.',
  ...apiEn
}

export const errorsZh: Record<keyof typeof errorsEn, string> = {
  'err.details': '详细信息',
  'err.api': '{meaning}（错误码 {code}）',
  'err.api.unknown': 'IM 服务器以错误码 {code} 拒绝了请求，本应用不认识该错误码。',
  'err.api.retried': '{text} 已多次重试，仍未成功。',

  'err.NETWORK': '无法连接 IM 服务器。请检查网络以及地域或接入地址。',
  'err.TIMEOUT': 'IM 服务器未及时应答。',
  'err.HTTP': 'IM 服务器返回了 HTTP 错误。请检查地域或接入地址。',
  'err.BAD_BODY': '服务器的应答不是有效的 JSON：该接入地址是腾讯云 IM REST API 吗？',

  'err.INVALID': '请求无效，已被拒绝。',
  'err.INVALID.request': '应用发给宿主进程的请求无效，已被拒绝。',
  'err.INVALID.connection': '无法使用这些连接信息。',
  'err.INVALID.groupId': '群组 ID 必须为 1 到 48 个字符，且不含控制字符。',
  'err.INVALID.split': '导出的拆分方式无效。',
  'err.INVALID.exportGone': '此导出已不存在：已完成、已取消或已超时。',

  'err.NOT_CONNECTED': '尚未连接工作区。',
  'err.NOT_CONNECTED.none': '尚未连接工作区：请先输入 SDKAppID、管理员账号和密钥。',
  'err.NOT_CONNECTED.keyLost': '本机已不再保存 {workspace} 的密钥：请重新输入以再次连接。',
  'err.NOT_CONNECTED.otherWorkspace': '此归档属于工作区 {wanted}，但当前连接的是 {connected}。请连接 {wanted} 后再同步。',

  'err.UNSUPPORTED': '此版本的应用无法在这里执行该操作。',
  'err.OPEN_FAILED': '系统无法打开该链接。',

  'err.BUSY': '宿主进程正忙于之前的请求。',
  'err.BUSY.sync': '已有同步正在进行：请等待其完成或先取消。',
  'err.BUSY.exportChunk': '此导出的一部分仍在写入。',

  'err.CANCELLED': '已取消。',
  'err.CANCELLED.sync': '同步已取消。',
  'err.CANCELLED.export': '导出已取消。',
  'err.CANCELLED.noDestination': '未选择保存位置。',
  'err.CANCELLED.save': '文件未保存。',
  'err.INVALID.mediaHost': '无法将“{host}”加入允许的主机：请填写主机名，例如 files.example.com 或 *.example.com（不能是 * 或整个顶级域名）。',
  'err.NOT_FOUND.media': '归档中没有保存这个文件。',
  'err.SAVE_FAILED': '无法保存该文件。',

  'err.INTERNAL': '应用的宿主进程发生了意外错误。',
  'err.INTERNAL.noDownloadDir': '未配置下载文件夹。',
  'err.STORE': '无法写入本地归档。此批次未保存任何内容。',
  'err.SECRET_STORE': '无法在本机加密保存密钥（系统钥匙串是否已解锁？）。',
  'err.EXPORT': '导出失败。',
  'err.NO_HISTORY': '{type} 类型的群组不保存消息历史：腾讯云 IM 不为其存储漫游消息。',
  'err.NOT_FOUND': 'IM 服务器没有返回群组 {groupId} 的任何信息。',
  'err.unknown': '错误 {code}。',
  ...apiZh
}
