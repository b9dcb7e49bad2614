/**
 * Simplified or Traditional: language detectors say "zh" and stop there, yet a reader of one may
 * not read the other. Each pair below is a common character written differently in the two
 * scripts (Simplified first); characters both scripts share (你, 好, 的, 有…) decide nothing.
 */
const PAIRS =
  '这這 们們 个個 来來 时時 说說 国國 会會 对對 发發 后後 过過 还還 么麼 没沒 样樣 经經 动動 头頭 现現 ' +
  '开開 两兩 问問 关關 点點 进進 实實 长長 见見 当當 间間 机機 题題 从從 应應 东東 种種 业業 员員 学學 ' +
  '车車 话話 门門 书書 让讓 认認 钱錢 请請 买買 卖賣 货貨 运運 费費 单單 订訂 务務 帮幫 谢謝 吗嗎 号號 ' +
  '电電 网網 码碼 价價 换換 坏壞 该該 觉覺 边邊 气氣 给給 爱愛 写寫 几幾 无無 为為 难難 远遠 结結 线線 ' +
  '红紅 绿綠 黄黃 体體 条條 万萬 与與 专專 丢丟 乐樂 乱亂 亚亞 产產 亲親 仅僅 优優 传傳 伤傷 债債 储儲 ' +
  '儿兒 党黨 兰蘭 兴興 养養 册冊 军軍 农農 决決 况況 净淨 减減 凤鳳 击擊 划劃 则則 刚剛 创創 删刪 别別 ' +
  '剧劇 办辦 励勵 劳勞 势勢 区區 医醫 华華 协協 卫衛 却卻 厂廠 历歷 压壓 县縣 参參 双雙 变變 叶葉 启啟 ' +
  '响響 园園 围圍 图圖 圆圓 场場 块塊 坚堅 执執 扩擴 扫掃 护護 报報 担擔 择擇 挂掛 损損 据據 摄攝 摆擺 ' +
  '数數 断斷 旧舊 显顯 术術 杀殺 杂雜 权權 极極 构構 档檔 桥橋 检檢 楼樓 欢歡 欧歐 毕畢 汇匯 汉漢 汤湯 ' +
  '满滿 灯燈 灵靈 灾災 炉爐 烟煙 烦煩 热熱 爷爺 状狀 独獨 猪豬 环環 画畫 疗療 监監 盘盤 础礎 确確 礼禮 ' +
  '积積 称稱 稳穩 窗窗 笔筆 签簽 简簡 类類 粮糧 纪紀 约約 级級 纸紙 练練 组組 细細 织織 终終 统統 继繼 ' +
  '续續 维維 综綜 罗羅 职職 联聯 听聽 脑腦 脚腳 节節 艺藝 药藥 获獲 虑慮 虽雖 补補 装裝 观觀 规規 视視 ' +
  '览覽 计計 讨討 训訓 议議 记記 讲講 许許 论論 设設 访訪 证證 评評 识識 诉訴 词詞 试試 询詢 详詳 语語 ' +
  '误誤 读讀 课課 谁誰 调調 谈談 负負 财財 责責 质質 购購 贵貴 贸貿 资資 赛賽 赶趕 践踐 转轉 轮輪 软軟 ' +
  '轻輕 较較 辆輛 达達 迟遲 选選 递遞 邮郵 钟鐘 铁鐵 银銀 链鏈 锁鎖 错錯 键鍵 闭閉 闻聞 阅閱 队隊 阳陽 ' +
  '阴陰 际際 陆陸 险險 随隨 隐隱 页頁 项項 须須 顺順 预預 领領 频頻 颜顏 风風 飞飛 饭飯 馆館 马馬 验驗 ' +
  '鱼魚 鸟鳥 齐齊 龙龍 寄寄 壳殼 庆慶 归歸 师師 广廣 庄莊 应應 张張 弹彈 态態 惊驚 惯慣 总總 恶惡 戏戲 ' +
  '户戶 拨撥 拥擁 换換 携攜 敛斂 时時 晒曬 杯杯 极極 样樣 标標 树樹 桌桌 梦夢 检檢 样樣 汽汽 沟溝 泼潑 ' +
  '洁潔 浅淺 测測 济濟 浏瀏 润潤 涨漲 渐漸 湾灣 渔漁 爸爸 牵牽 犹猶 猫貓 玛瑪 琐瑣 电電 疯瘋 盖蓋 眬矓 ' +
  '矿礦 码碼 禁禁 离離 秃禿 穷窮 竞競 笼籠 筑築 纽紐 缓緩 编編 缩縮 网網 罚罰 肤膚 胜勝 脏髒 舰艦 苏蘇 ' +
  '荣榮 蓝藍 虾蝦 补補 衬襯 袜襪 觅覓 誉譽 貌貌 贝貝 贡貢 败敗 贴貼 贷貸 赏賞 赔賠 赚賺 赠贈 趋趨 跃躍 ' +
  '踪蹤 轨軌 载載 辑輯 输輸 辞辭 迁遷 运運 还還 进進 连連 适適 遗遺 邻鄰 酱醬 释釋 针針 钢鋼 钥鑰 锅鍋 ' +
  '镜鏡 门門 闪閃 闹鬧 阶階 陈陳 隶隸 雾霧 韩韓 顶頂 顾顧 颗顆 饰飾 饱飽 饿餓 馈饋 驶駛 驾駕 鲜鮮 鸡雞 ' +
  '麦麥 够夠 凭憑 处處';

const SIMPLIFIED = new Set<string>();
const TRADITIONAL = new Set<string>();
for (const pair of PAIRS.split(' ')) {
  const [simplified, traditional] = [...pair];
  // Some listed pairs are written alike (寄, 黑…): they tell the scripts apart in neither direction.
  if (!simplified || !traditional || simplified === traditional) continue;
  SIMPLIFIED.add(simplified);
  TRADITIONAL.add(traditional);
}

/** How many characters of `text` only Simplified, and only Traditional, Chinese writes. */
export function hanScriptVotes(text: string): { simplified: number; traditional: number } {
  let simplified = 0;
  let traditional = 0;
  for (const char of text) {
    if (SIMPLIFIED.has(char)) simplified += 1;
    else if (TRADITIONAL.has(char)) traditional += 1;
  }
  return { simplified, traditional };
}
