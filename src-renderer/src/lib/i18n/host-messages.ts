/**
 * Strings of the browser-mode host's notices (a tab from an earlier launch, where the archive is
 * kept and whether the browser keeps it), merged into the UI tables in messages.ts.
 */
export const hostEn = {
  'stale.titleRefused': 'This tab belongs to an earlier launch of TIM Archive',
  'stale.titleMissing': 'This tab has no access token',
  'stale.why': 'Each launch of TIM Archive has its own address, and this tab has the address of an earlier one.',
  'stale.open': 'Open the address printed in the terminal where TIM Archive runs (it ends with ?token=…), then close this tab.',
  'stale.safe': 'Your archive is safe: it is kept in this browser and opens again at that address.',

  'storage.where':
    'This archive lives in this browser’s profile, for this address ({origin}) only. Another browser, another --port or clearing this site’s data starts with an empty archive.',
  'storage.mayClear': 'The browser may also clear it when space runs low, unless it agrees to keep it.',
  'storage.ask': 'Ask the browser to keep it',
  'storage.granted': 'The browser agreed to keep this archive.',
  'storage.refused':
    'The browser said no. Chromium decides by itself (it agrees more readily for a bookmarked or often used site); Firefox asks you. Keep a copy with Export… or tim-archive pull.',

  // Importing the media folder `tim-archive pull --media DIR` wrote (Electron; browser mode: serve --import-media).
  'mediaImport.button': 'Import media folder…',
  'mediaImport.hint': 'Choose the folder tim-archive pull --media wrote, so an imported archive shows its images, voice, video and files',
  'mediaImport.running': 'Importing the media folder…',
  'mediaImport.done': 'Imported media from {folder}: {copied} files copied, {present} already kept, {outcomes} outcomes recorded.',
  'mediaImport.rejected': '{count} files were not imported: their contents do not match their names.',
  'mediaImport.rejected_one': '1 file was not imported: its contents do not match its name.',
  'mediaImport.failed': 'The media folder was not imported: {message}',
  'err.OPEN_FAILED.mediaFolder': 'The media folder could not be read.'
}

export const hostZh: Record<keyof typeof hostEn, string> = {
  'stale.titleRefused': '此标签页属于 TIM Archive 之前的一次启动',
  'stale.titleMissing': '此标签页没有访问令牌',
  'stale.why': 'TIM Archive 每次启动都有自己的地址，而此标签页使用的是之前一次启动的地址。',
  'stale.open': '请打开运行 TIM Archive 的终端中输出的地址（以 ?token=… 结尾），然后关闭此标签页。',
  'stale.safe': '您的归档是安全的：它保存在此浏览器中，打开该地址即可再次看到。',

  'storage.where': '此归档保存在此浏览器的配置文件中，且仅对应此地址（{origin}）。换用其他浏览器、其他 --port 或清除此站点的数据后，归档将为空。',
  'storage.mayClear': '除非浏览器同意保留，否则它也可能在空间不足时清除此归档。',
  'storage.ask': '请求浏览器保留',
  'storage.granted': '浏览器已同意保留此归档。',
  'storage.refused':
    '浏览器拒绝了。Chromium 会自行决定（对已加入书签或经常使用的站点更容易同意）；Firefox 会询问您。请用“导出…”或 tim-archive pull 保留一份副本。',

  'mediaImport.button': '导入媒体文件夹…',
  'mediaImport.hint': '选择 tim-archive pull --media 生成的文件夹，使导入的归档显示其中的图片、语音、视频和文件',
  'mediaImport.running': '正在导入媒体文件夹…',
  'mediaImport.done': '已从 {folder} 导入媒体：复制 {copied} 个文件，{present} 个已保存，记录 {outcomes} 条结果。',
  'mediaImport.rejected': '{count} 个文件未导入：其内容与文件名不符。',
  'mediaImport.rejected_one': '1 个文件未导入：其内容与文件名不符。',
  'mediaImport.failed': '媒体文件夹未导入：{message}',
  'err.OPEN_FAILED.mediaFolder': '无法读取该媒体文件夹。'
}
