// i18n.js - every word the pages show, in Chinese (the default) and English,
// the switch between them (kept in localStorage), and the formats of money
// (thousands separators) and dates (YYYY-MM-DD).
const zh = {
  skip: '跳到正文', nav: '主导航', loading: '加载中…', logout: '退出', switchLang: 'English',
  login: '登录', username: '用户名', password: '密码', loginFailed: '用户名或密码不正确，或账户已锁定',
  sessionEnded: '会话已过期，请重新登录；登录后回到原页面。',
  changePassword: '修改密码', mustChange: '首次使用或密码过期：请先设置新密码。',
  currentPassword: '当前密码', newPassword: '新密码', confirmPassword: '确认新密码', mismatch: '两次输入的新密码不一致',
  save: '保存', cancel: '取消', search: '查询', next: '下一步', back: '上一步', submit: '提交', open: '打开',
  nextPage: '下一页', firstPage: '第一页', total: '共 {n} 条', none: '暂无记录', yes: '是', no: '否',
  workbench: '工作台', borrowers: '客户', newApplication: '新建申请', review: '审查', loans: '贷款台账',
  inspections: '贷后检查', reports: '报表', audit: '审计', admin: '系统管理',
  drafts: '草稿申请', returned: '退回补充材料的申请', ratedToDecide: '已评级待决定', approvedToDisburse: '已批准待放款', inspectionsDue: '到期的贷后检查', overdue: '逾期贷款',
  queue: '待评级申请', referrals: '提交审批的申请', ledgerStatus: '台账校验', entries: '条目', checkpoints: '检查点',
  borrowerSearch: '客户查询', name: '名称', idNumber: '证件号码', creditCode: '统一社会信用代码',
  borrower: '客户', details: '基本信息', statements: '财务报表', applications: '申请', guarantees: '对外担保',
  exposure: '总敞口', auditHistory: '审计记录', noPermission: '无权查看',
  step_borrower: '借款人', step_application: '申请', step_guarantors: '担保人', step_collateral: '抵质押物',
  step_investigation: '贷前调查', step_schedule: '还款计划预览', step_submit: '提交',
  checklist: '资料清单', uploadChecked: '上传并登记核验',
  chooseBorrower: '选择已有客户', newBorrower: '登记新客户', draftKept: '草稿已保存在服务器，下次可继续。',
  add: '添加', added: '已添加', ltvVsCap: '抵押率与上限', resumeDraft: '继续草稿 #{id}',
  ratingReport: '评级报告', score: '评分', grade: '等级', pd: '违约概率', factors: '各因子得分', reasons: '原因代码',
  proposed: '建议', requested: '申请', authorityLeft: '剩余审批权限', wholeFile: '完整档案',
  rate: '评级', approve: '批准', reject: '拒绝', override: '调整等级', refer: '提交审批经理', returnApp: '退回补充材料', reason: '理由', rateSource: '利率来源', bin: '分箱', authorityLimit: '单笔审批权限', authorityAmount: '本笔批准金额', managerRequired: '须由审批经理批准', ownFile: '本人经办或管户，不能审批', products: '产品',
  refused: '操作被拒绝', reasonRequired: '请填写理由',
  ledger: '台帐', loan: '贷款', schedule: '还款计划', repayments: '还款记录', accruals: '计提', categoryHistory: '分类历史',
  balances: '余额', recordRepayment: '录入还款', amount: '金额', date: '日期', filter: '筛选', minDpd: '最少逾期天数', maturingBefore: '到期早于',
  inspectionForm: '检查记录', recordInspection: '保存检查',
  generate: '生成', download: '下载工作簿', downloadSig: '下载签名 (.p7s)', keyPassword: '签名私钥密码',
  verifyLedger: '校验台账', inclusionProof: '包含证明', entryIndex: '条目序号', verifyUpload: '校验上传的工作簿',
  workbookFile: '工作簿 (.xlsx)', signatureFile: '签名 (.p7s)', verified: '校验通过', verifyFailed: '校验失败',
  users: '用户', unlock: '解锁', revoke: '停用', policyCheck: '检查政策', policyLoad: '加载政策', policyFile: '政策文件 (JSON)',
  role: '角色', locked: '已锁定', active: '有效', cob: '日终处理', trustAnchor: '信任锚', caFingerprint: 'CA 证书指纹 (SHA-256)', anchorMissing: '请先在审计页输入您持有的 CA 证书指纹', checkpoint: '生成检查点',
  actions: '操作', saved: '已保存', disburse: '放款', settle: '结清',
  withinAuthority: '申请金额在您的审批权限内', beyondAuthority: '金额超出您的审批权限，请提交审批经理',
  collection: '清收', collectionCase: '清收案件', complaints: '投诉', churn: '流失预警', visits: '客户走访',
  openCases: '未结清收案件', includeClosed: '包括已结案件', openOnly: '只看未结案件', stageHistory: '阶段记录', collectionActions: '催收记录',
  promises: '还款承诺', recoveries: '担保人代偿', recordAction: '登记催收', recordPromise: '登记还款承诺', recordRecovery: '登记担保人代偿',
  overdueAmount: '逾期金额', promiseDue: '承诺还款日', nextStep: '下一步安排', nextDate: '下次跟进日', caseClosed: '案件已结，不能再登记。',
  openComplaints: '未结投诉', overdueComplaints: '超期投诉', allComplaints: '全部投诉', addComplaint: '登记投诉', pastDeadline: '已超期',
  assign: '转交', respond: '答复', closeComplaint: '结案', assignTo: '转交给（用户名）', response: '答复内容', feedback: '客户反馈',
  addVisit: '登记走访', people: '走访对象', visitPurpose: '走访目的', visitFindings: '走访发现', followUp: '后续跟进',
  expiringDocs: '即将到期的资料', daysLeft: '剩余天数', lapsed: '已过期', expiresOn: '有效期至',
  churn_settled: '贷款已结清，未再申请', churn_prepaying: '大额提前还款', complaintText: '投诉内容', received: '收到日期', channel: '渠道',
  stage_reminder: '催收提醒', stage_visit: '上门催收', stage_demand: '正式催收函', stage_guarantor: '向担保人追偿', stage_legal: '诉讼',
  promisePaid: '实际还款', guarantorId: '担保人',
  err_400: '请求有误', err_401: '未登录或会话已过期', err_403: '无权执行此操作', err_404: '记录不存在', err_409: '当前状态不允许此操作',
  err_412: '记录已被他人修改，请刷新', err_413: '内容过大', err_415: '格式不正确', err_422: '输入有误', err_428: '缺少版本信息',
  err_500: '服务器内部错误', err_503: '服务器繁忙，请稍后重试', err_net: '无法连接服务器',
};
const en = {
  skip: 'Skip to content', nav: 'Main navigation', loading: 'Loading…', logout: 'Log out', switchLang: '中文',
  login: 'Log in', username: 'Username', password: 'Password', loginFailed: 'Wrong username or password, or the account is locked',
  sessionEnded: 'Your session ended; log in again to return where you were.',
  changePassword: 'Change password', mustChange: 'First use or an old password: set a new password first.',
  currentPassword: 'Current password', newPassword: 'New password', confirmPassword: 'Confirm new password', mismatch: 'The new passwords differ',
  save: 'Save', cancel: 'Cancel', search: 'Search', next: 'Next', back: 'Back', submit: 'Submit', open: 'Open',
  nextPage: 'Next page', firstPage: 'First page', total: '{n} in all', none: 'Nothing yet', yes: 'Yes', no: 'No',
  workbench: 'Workbench', borrowers: 'Customers', newApplication: 'New application', review: 'Review', loans: 'Loan ledger',
  inspections: 'Inspections', reports: 'Reports', audit: 'Audit', admin: 'Administration',
  drafts: 'Draft applications', returned: 'Returned for more information', ratedToDecide: 'Rated, to decide', approvedToDisburse: 'Approved, to disburse', inspectionsDue: 'Inspections due', overdue: 'Overdue loans',
  queue: 'Waiting for rating', referrals: 'Referred to you', ledgerStatus: 'Ledger verification', entries: 'Entries', checkpoints: 'Checkpoints',
  borrowerSearch: 'Customer search', name: 'Name', idNumber: 'ID number', creditCode: 'Unified credit code',
  borrower: 'Customer', details: 'Details', statements: 'Financial statements', applications: 'Applications', guarantees: 'Guarantees given',
  exposure: 'Total exposure', auditHistory: 'Audit history', noPermission: 'Not permitted',
  step_borrower: 'Borrower', step_application: 'Application', step_guarantors: 'Guarantors', step_collateral: 'Collateral',
  step_investigation: 'Investigation', step_schedule: 'Schedule preview', step_submit: 'Submit',
  checklist: 'Document checklist', uploadChecked: 'Upload and record the check',
  chooseBorrower: 'Choose a customer', newBorrower: 'Register a customer', draftKept: 'The draft is kept on the server for your next visit.',
  add: 'Add', added: 'Added', ltvVsCap: 'LTV against the cap', resumeDraft: 'Resume draft #{id}',
  ratingReport: 'Rating report', score: 'Score', grade: 'Grade', pd: 'PD', factors: 'Factor points', reasons: 'Reason codes',
  proposed: 'Proposed', requested: 'Requested', authorityLeft: 'Authority left', wholeFile: 'Whole file',
  rate: 'Rate', approve: 'Approve', reject: 'Reject', override: 'Override grade', refer: 'Refer to a manager', returnApp: 'Return for more information', reason: 'Reason', rateSource: 'Rate from', bin: 'Bin', authorityLimit: 'Limit per approval', authorityAmount: 'Amount to approve', managerRequired: 'A manager must approve', ownFile: 'Your own file: you cannot decide', products: 'Products',
  refused: 'Refused', reasonRequired: 'Give a reason',
  ledger: 'Ledger', loan: 'Loan', schedule: 'Schedule', repayments: 'Repayments', accruals: 'Accruals', categoryHistory: 'Category history',
  balances: 'Balances', recordRepayment: 'Record a repayment', amount: 'Amount', date: 'Date', filter: 'Filter', minDpd: 'Minimum DPD', maturingBefore: 'Maturing before',
  inspectionForm: 'Inspection', recordInspection: 'Save inspection',
  generate: 'Generate', download: 'Download workbook', downloadSig: 'Download signature (.p7s)', keyPassword: 'Signing key password',
  verifyLedger: 'Verify the ledger', inclusionProof: 'Inclusion proof', entryIndex: 'Entry index', verifyUpload: 'Verify an uploaded workbook',
  workbookFile: 'Workbook (.xlsx)', signatureFile: 'Signature (.p7s)', verified: 'Verified', verifyFailed: 'Verification failed',
  users: 'Users', unlock: 'Unlock', revoke: 'Revoke', policyCheck: 'Check policy', policyLoad: 'Load policy', policyFile: 'Policy file (JSON)',
  role: 'Role', locked: 'Locked', active: 'Active', cob: 'Close of business', trustAnchor: 'Trust anchor', caFingerprint: 'CA certificate fingerprint (SHA-256)', anchorMissing: 'Enter the fingerprint of the CA certificate you hold on the audit page first', checkpoint: 'Make a checkpoint',
  actions: 'Actions', saved: 'Saved', disburse: 'Disburse', settle: 'Settle',
  withinAuthority: 'the amount is within your authority', beyondAuthority: 'the amount is beyond your authority: refer it to a manager',
  collection: 'Collection', collectionCase: 'Collection case', complaints: 'Complaints', churn: 'Churn warning', visits: 'Visits',
  openCases: 'Open collection cases', includeClosed: 'Include closed cases', openOnly: 'Open cases only', stageHistory: 'Stage history', collectionActions: 'Actions',
  promises: 'Promises to pay', recoveries: 'Recoveries from guarantors', recordAction: 'Record an action', recordPromise: 'Record a promise to pay', recordRecovery: 'Record a guarantor\'s payment',
  overdueAmount: 'Amount overdue', promiseDue: 'Promise due', nextStep: 'Next step', nextDate: 'Next on', caseClosed: 'The case is closed: nothing more is recorded on it.',
  openComplaints: 'Open complaints', overdueComplaints: 'Past their deadline', allComplaints: 'All complaints', addComplaint: 'Record a complaint', pastDeadline: 'Past deadline',
  assign: 'Assign', respond: 'Respond', closeComplaint: 'Close', assignTo: 'Assign to (username)', response: 'Response', feedback: 'Customer\'s feedback',
  addVisit: 'Record a visit', people: 'People met', visitPurpose: 'Purpose', visitFindings: 'Findings', followUp: 'Follow-up',
  expiringDocs: 'Documents expiring soon', daysLeft: 'Days left', lapsed: 'Lapsed', expiresOn: 'Expires on',
  churn_settled: 'Loans settled, no new application', churn_prepaying: 'Large prepayments', complaintText: 'Complaint', received: 'Received on', channel: 'Channel',
  stage_reminder: 'Reminder', stage_visit: 'Officer visit', stage_demand: 'Formal demand', stage_guarantor: 'Guarantor demand', stage_legal: 'Legal action',
  promisePaid: 'Paid', guarantorId: 'Guarantor',
  err_400: 'Bad request', err_401: 'Not logged in or session ended', err_403: 'Not permitted', err_404: 'Not found', err_409: 'Not allowed in the current state',
  err_412: 'Changed by someone else; reload', err_413: 'Too large', err_415: 'Wrong format', err_422: 'Invalid input', err_428: 'Version missing',
  err_500: 'Internal error', err_503: 'Busy; retry shortly', err_net: 'Cannot reach the server',
};
// Code values and field names: [zh, en].
const codes = {
  draft: ['草稿', 'draft'], submitted: ['已提交', 'submitted'], rated: ['已评级', 'rated'], referred: ['已提交审批经理', 'referred'], returnedApps: ['退回补充材料', 'returned'], step: ['审查步骤', 'review step'], return: ['退回补充材料', 'returned'], indicative: ['预估（未评级）', 'indicative (not rated)'], rating: ['评级结果', 'the rating'], application_id: ['申请编号', 'application'], guaranteed_amount: ['担保金额', 'guaranteed amount'], guarantees_given_total: ['有效担保合计', 'live guarantees in all'], rate_source: ['利率来源', 'rate from'],
  approved: ['已批准', 'approved'], rejected: ['已拒绝', 'rejected'], withdrawn: ['已撤回', 'withdrawn'], returned: ['已退回', 'returned'],
  disbursed: ['已放款', 'disbursed'], active: ['正常还款', 'active'], settled: ['已结清', 'settled'], closed: ['已结清', 'closed'], written_off: ['已核销', 'written off'],
  scheduled: ['未到期', 'scheduled'], paid: ['已还清', 'paid'], partial: ['部分还款', 'partly paid'], overdue: ['逾期', 'overdue'], due: ['到期', 'due'],
  normal: ['正常', 'normal'], special_mention: ['关注', 'special mention'], substandard: ['次级', 'substandard'], doubtful: ['可疑', 'doubtful'], loss: ['损失', 'loss'],
  annuity: ['等额本息', 'equal installments'], equal_installment: ['等额本息', 'equal installments'], equal_principal: ['等额本金', 'equal principal'], interest_only: ['按期付息到期还本', 'interest only'], bullet: ['到期一次还本付息', 'bullet'],
  enterprise: ['企业', 'enterprise'], individual: ['个人', 'individual'],
  real_estate: ['房产', 'real estate'], equipment: ['设备', 'equipment'], receivables: ['应收账款', 'receivables'], deposit: ['存单', 'deposit'], vehicle: ['车辆', 'vehicle'], land_use_right: ['土地使用权', 'land use right'], inventory: ['存货', 'inventory'], securities: ['有价证券', 'securities'],
  mortgage: ['抵押', 'mortgage'], pledge: ['质押', 'pledge'], joint: ['连带责任保证', 'joint and several'], general: ['一般保证', 'general'],
  approve: ['建议批准', 'approve'], refer: ['提交上级', 'refer'], decline: ['建议拒绝', 'decline'],
  officer: ['客户经理', 'officer'], reviewer: ['风险审查员', 'reviewer'], manager: ['审批经理', 'manager'], auditor: ['审计员', 'auditor'], admin: ['管理员', 'administrator'],
  monthly: ['按月', 'monthly'], quarterly: ['按季', 'quarterly'], first: ['首次检查', 'first'], routine: ['例行检查', 'routine'], special: ['专项检查', 'special'],
  upfront: ['一次性收取', 'upfront'],
  visit: ['上门', 'visit'], call: ['电话', 'call'], sms: ['短信', 'SMS'], letter: ['信函', 'letter'], guarantor_demand: ['向担保人追偿', 'demand to the guarantor'], legal_filing: ['起诉', 'legal filing'],
  open: ['未到期', 'open'], kept: ['已履行', 'kept'], broken: ['未履行', 'broken'], cured: ['已消除逾期', 'cured'], repaid: ['已还清', 'repaid'],
  phone: ['电话', 'phone'], counter: ['柜台', 'counter'], online: ['网上', 'online'], regulator: ['监管转办', 'through the regulator'],
  stage: ['清收阶段', 'stage'], stage_since: ['阶段起始', 'stage since'], opened_on: ['立案日', 'opened on'], closed_on: ['结案日', 'closed on'],
  made_on: ['承诺日', 'made on'], due_on: ['承诺还款日', 'due on'], settled_on: ['履行日', 'settled on'], next_step: ['下一步安排', 'next step'], next_date: ['下次跟进日', 'next on'],
  repayment_id: ['还款记录号', 'repayment'], channel: ['渠道', 'channel'], received_on: ['收到日期', 'received on'], deadline: ['处理期限', 'deadline'],
  assigned_to: ['经办人', 'assigned to'], response: ['答复', 'response'], responded_on: ['答复日期', 'responded on'], feedback: ['客户反馈', 'feedback'],
  people: ['走访对象', 'people met'], follow_up: ['后续跟进', 'follow-up'], since: ['最后结清日', 'last settled'], prepaid: ['提前还款额', 'prepaid'],
  date: ['日期', 'date'], overdue_amount: ['逾期金额', 'amount overdue'], recovered: ['已代偿', 'recovered'], past_deadline: ['超期', 'past deadline'], file_name: ['文件名', 'file name'], promise_due: ['承诺还款日', 'promise due'],
  expires: ['有效期至', 'expires'], days_left: ['剩余天数', 'days left'], uploaded_by: ['上传人', 'uploaded by'], uploaded_at: ['上传时间', 'uploaded at'],
  // field names
  id: ['编号', 'ID'], kind: ['类型', 'kind'], name: ['名称', 'name'], credit_code: ['统一社会信用代码', 'credit code'], id_number: ['证件号码', 'ID number'],
  phone: ['电话', 'phone'], address: ['地址', 'address'], industry: ['行业', 'industry'], industry_risk_class: ['行业风险等级', 'industry risk class'],
  years_in_business: ['经营年限', 'years in business'], registered_capital: ['注册资本', 'registered capital'], blocklisted: ['黑名单', 'blocklisted'],
  officer_name: ['客户经理', 'officer'], year: ['年度', 'year'], total_assets: ['总资产', 'total assets'], total_liabilities: ['总负债', 'total liabilities'],
  current_assets: ['流动资产', 'current assets'], current_liabilities: ['流动负债', 'current liabilities'], revenue: ['营业收入', 'revenue'],
  net_profit: ['净利润', 'net profit'], operating_cash_flow: ['经营现金流', 'operating cash flow'], monthly_income: ['月收入', 'monthly income'],
  borrower_id: ['客户编号', 'customer ID'], product: ['产品', 'product'], amount: ['金额', 'amount'], term_months: ['期限（月）', 'term (months)'],
  method: ['还款方式', 'repayment method'], purpose: ['用途', 'purpose'], state: ['状态', 'state'], status: ['状态', 'status'], grade: ['等级', 'grade'],
  created_at: ['创建时间', 'created'], applications_count: ['申请数', 'applications'],
  guarantee_type: ['保证方式', 'guarantee type'], guaranteed_amount: ['担保金额', 'guaranteed amount'], net_assets: ['净资产', 'net assets'],
  outstanding_guarantees: ['对外担保余额', 'outstanding guarantees'], capacity: ['担保能力', 'capacity'],
  type: ['类型', 'type'], arrangement: ['担保方式', 'arrangement'], owner_name: ['所有权人', 'owner'], owner_is_borrower: ['借款人所有', 'owned by the borrower'],
  certificate_no: ['权证号', 'certificate no.'], appraised_value: ['评估价值', 'appraised value'], appraisal_date: ['评估日期', 'appraisal date'],
  appraiser: ['评估机构', 'appraiser'], lien_rank: ['抵押顺位', 'lien rank'], registration_no: ['登记号', 'registration no.'], prior_claims: ['在先债权', 'prior claims'],
  ltv_cap: ['抵押率上限 %', 'LTV cap %'], lendable_value: ['可贷价值', 'lendable value'], loan_to_value: ['抵押率 %', 'loan to value %'],
  site_visit_date: ['实地走访日期', 'site visit date'], operations: ['经营情况', 'operations'], assets_liabilities: ['资产负债情况', 'assets and liabilities'],
  repayment_capacity: ['还款能力', 'repayment capacity'], conclusion: ['调查结论', 'conclusion'],
  contract_no: ['合同号', 'contract no.'], principal: ['本金', 'principal'], category: ['五级分类', 'category'], dpd: ['逾期天数', 'DPD'],
  disbursed_on: ['放款日', 'disbursed on'], matures_on: ['到期日', 'matures on'], next_due: ['下次还款日', 'next due'], borrower: ['客户', 'customer'], officer: ['客户经理', 'officer'],
  n: ['期次', 'no.'], interest: ['利息', 'interest'], fee: ['费用', 'fee'], paid_principal: ['已还本金', 'principal paid'], paid_interest: ['已还利息', 'interest paid'],
  penalty: ['罚息', 'penalty'], rate: ['年利率 %', 'rate %'], payment: ['期供', 'payment'], balance: ['剩余本金', 'balance'],
  loan_id: ['贷款编号', 'loan ID'], last_inspection: ['上次检查', 'last inspection'], days_overdue: ['超期天数', 'days overdue'],
  username: ['用户名', 'username'], role: ['角色', 'role'], authority_limit: ['审批权限', 'authority limit'], display_name: ['姓名', 'name'],
  time: ['时间', 'time'], at: ['时间', 'time'], user: ['用户', 'user'], action: ['操作', 'action'], entity: ['对象', 'entity'], entity_id: ['对象编号', 'entity ID'], outcome: ['结果', 'outcome'],
  site_visit: ['实地走访', 'site visit'], findings: ['检查发现', 'findings'], recommended_category: ['建议分类', 'recommended category'],
  category_reason: ['分类理由', 'category reason'], measures: ['后续措施', 'measures'], next_inspection: ['下次检查', 'next inspection'],
  repayment_behaviour: ['还款表现', 'repayment behaviour'], report_kind: ['报表类型', 'workbook kind'], due_date: ['到期日', 'due'],
  rating: ['评级报告', 'rating'], portfolio: ['经营分析', 'portfolio'], inspection: ['检查报告', 'inspection'], loan_ledger: ['贷款台账', 'loan ledger'],
  file: ['文件', 'file'], sha256: ['SHA-256', 'SHA-256'], signer: ['签名人', 'signer'], signing_time: ['签名时间', 'signing time'], in_ledger: ['已记入台账', 'in the ledger'],
  ledger_entry: ['台账条目', 'ledger entry'], checkpoint_size: ['检查点大小', 'checkpoint size'], holds: ['证明成立', 'holds'], index: ['序号', 'index'], size: ['大小', 'size'],
  journal_entries: ['会计分录', 'journal entries'], loans: ['贷款', 'loans'], entries: ['条目', 'entries'], checkpoints: ['检查点', 'checkpoints'],
  updated_at: ['更新时间', 'updated'], submitted_at: ['提交时间', 'submitted'], decided_at: ['决定时间', 'decided'], decision_reason: ['决定理由', 'decision reason'],
  created_by: ['创建人', 'created by'], decided_by: ['决定人', 'decided by'], recorded_by: ['记录人', 'recorded by'], recorded_at: ['记录时间', 'recorded at'], period: ['还款周期', 'period'],
  guarantors: ['担保人', 'guarantors'], collateral: ['抵质押物', 'collateral'], collateral_appraised: ['抵质押物评估值', 'collateral appraised'],
  collateral_cover: ['抵质押覆盖额', 'collateral cover'], guaranteed: ['保证金额', 'guaranteed'], guarantor_capacity: ['担保人能力', 'guarantor capacity'],
  guarantors_short: ['担保能力不足人数', 'guarantors short'], collateral_cover_ratio: ['覆盖率 %', 'cover ratio %'], decision: ['模型建议', 'model decision'], model: ['模型', 'model'],
  bin: ['区间', 'bin'], application_id: ['申请编号', 'application ID'], balances_as_of: ['余额日期', 'balances as of'], category_floor: ['分类下限', 'category floor'],
  principal_overdue: ['逾期本金', 'principal overdue'], interest_due: ['应收利息', 'interest due'], interest_accrued: ['应计利息', 'interest accrued'], compound: ['复利', 'compound'],
  fees_due: ['应收费用', 'fees due'], payoff: ['结清金额', 'payoff'], paid_fee: ['已还费用', 'fee paid'], paid_penalty: ['已还罚息', 'penalty paid'], reason: ['理由', 'reason'],
  from_grade: ['原等级', 'from grade'], to_grade: ['新等级', 'to grade'], by: ['操作人', 'by'], applications: ['申请数', 'applications'],
  fee_amount: ['手续费', 'fee'], max_amount: ['最高额度', 'maximum amount'], recommended_amount: ['建议金额', 'recommended amount'],
  application: ['申请', 'application'], report: ['报表', 'report'], ledger: ['台账', 'ledger'], command: ['命令', 'command'], pki_identity: ['机构证书', 'institution certificate'],
  config_document: ['配置文件', 'configuration'], investigation: ['贷前调查', 'investigation'], guarantor: ['担保人', 'guarantor'], denied: ['拒绝', 'denied'],
  leaf_hash: ['叶哈希', 'leaf hash'], root: ['根哈希', 'root'], entry: ['条目内容', 'entry'], ledger_time: ['记账时间', 'ledger time'], detail: ['详情', 'detail'],
  inclusion: ['包含证明', 'inclusion'], consistency: ['一致性证明', 'consistency'],
  actions: ['操作', 'actions'], problems: ['问题', 'problems'], password_changed_on: ['密码修改日', 'password changed on'], errors: ['错误', 'errors'], warnings: ['提示', 'warnings'], locked: ['已锁定', 'locked'], revoked: ['已停用', 'revoked'],
  full_name: ['姓名', 'name'], failed_logins: ['连续失败次数', 'failed logins'], must_change_password: ['须改密码', 'must change password'],
  fingerprint: ['证书指纹', 'fingerprint'], revocation_checked: ['已查吊销', 'revocation checked'], ok: ['通过', 'ok'],
  missing: ['缺少', 'missing'], unchecked: ['未核验', 'not checked'], failed: ['核验未通过', 'failed its check'], expired: ['已过期', 'expired'],
  submission: ['提交前', 'before submission'], approval: ['审批前', 'before approval'], disbursement: ['放款前', 'before disbursement'],
  standing: ['状态', 'standing'], required: ['要求', 'required'], name_zh: ['资料', 'document'],
  note: ['说明', 'note'], authentic: ['真实', 'authentic'], legal: ['合法', 'legal'], valid: ['有效', 'valid'],
  id_card: ['身份证', 'ID card'], household_register: ['户口簿', 'household register'], marriage_certificate: ['结婚证', 'marriage certificate'],
  income_proof: ['收入证明', 'proof of income'], business_licence: ['营业执照', 'business licence'], articles: ['公司章程', 'articles of association'],
  financial_statements: ['财务报表', 'financial statements'], bank_statements: ['银行流水', 'bank statements'], collateral_title: ['抵押物权属证明', 'collateral title'],
  valuation_report: ['评估报告', 'valuation report'], guarantor_consent: ['担保人同意书', 'guarantor consent'], signed_contract: ['借款合同', 'signed contract'],
};

let lang = localStorage.getItem('loandesk.lang') === 'en' ? 'en' : 'zh';

export function getLang() { return lang; }
export function setLang(l) { lang = l === 'en' ? 'en' : 'zh'; localStorage.setItem('loandesk.lang', lang); }

export function t(key, vars) {
  let s = (lang === 'en' ? en : zh)[key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replace(`{${k}}`, v);
  return s;
}

// A code value or field name in the current language (unknown: as given).
export function code(value) {
  if (value === null || value === undefined || value === '') return '';
  if (value === true) return t('yes');
  if (value === false) return t('no');
  const c = codes[String(value)];
  return c ? c[lang === 'en' ? 1 : 0] : String(value);
}

// "1234567.80" -> "1,234,567.80": decimal strings only, never through a
// binary number, so no fen is lost.
export function money(text) {
  if (text === null || text === undefined || text === '') return '';
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(text));
  if (!m) return String(text);
  return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (m[3] || '');
}

// An ISO time or date as YYYY-MM-DD (times keep HH:MM after it).
export function date(text) {
  if (!text) return '';
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(String(text));
  return m ? (m[2] ? `${m[1]} ${m[2]}` : m[1]) : String(text);
}

export function errorText(problem) {
  if (!problem) return t('err_net');
  const head = t(`err_${problem.status}`) || t('err_400');
  // A detail the server gave in Chinese names its field already.
  const field = problem.field && !problem.detail_en ? `${code(problem.field)}：` : '';
  return `${head}${problem.detail ? ` — ${field}${problem.detail}` : ''}`;
}
