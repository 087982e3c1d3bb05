#include "problemsource.h"

#include "descentcontroller.h"
#include "messagebar.h"
#include "problempanel.h"
#include "statuspanel.h"

#include <QMessageBox>

namespace gradlens {

ProblemSource::ProblemSource(const Parts &parts, QObject *parent)
    : QObject(parent)
    , m_parts(parts)
    , m_loader(new ProblemLoader(this)) {
    MessageBar *messages = parts.messages;
    connect(m_loader, &ProblemLoader::busyChanged, this, [status = parts.status](bool busy) {
        status->setBusy(busy ? tr("Reading file") : QString(), -1);
    });
    connect(m_loader, &ProblemLoader::failed, messages,
            [messages](const QString &message) { messages->showMessage(MessageBar::Kind::Error, message); });
    connect(m_loader, &ProblemLoader::staged, messages, [messages](const QString &notice) {
        messages->showMessage(MessageBar::Kind::Information, notice);
    });
    connect(m_loader, &ProblemLoader::problemReady, this,
            [this](const Problem &problem, const QString &notice, const QStringList &files) {
                m_parts.messages->showMessage(MessageBar::Kind::Information, notice);
                QStringList sources;
                for (int k = 0; k < 3; ++k)
                    sources << (files.value(k).isEmpty() ? m_sources[k] : files.value(k));
                adopt(problem, sources, std::nullopt);
            });
    connect(m_loader, &ProblemLoader::heldChanged, parts.problemPanel, &ProblemPanel::showHeld);
    connect(parts.problemPanel, &ProblemPanel::clearHeldRequested, m_loader, &ProblemLoader::clearHeld);
    connect(parts.problemPanel, &ProblemPanel::generateRequested, this, &ProblemSource::generateAsked);
    connect(parts.problemPanel, &ProblemPanel::randomizeGammaRequested, this, &ProblemSource::randomizeGamma);
}

void ProblemSource::generate(const GeneratorOptions &options) {
    if (const Status valid = options.validate(); !valid) {
        m_parts.messages->showMessage(MessageBar::Kind::Error, QString::fromStdString(valid.message));
        return;
    }
    m_parts.status->setBusy(tr("Generating"), -1);
    m_generator.request([options](const CancelPredicate &) { return generateProblem(options); },
                        [this, options](const GeneratedProblem &generated) {
                            m_parts.status->setBusy(QString(), 0);
                            adopt(generated.problem, {}, options,
                                  generated.gammaStar.size() > 0
                                      ? std::make_shared<const Eigen::MatrixXd>(generated.gammaStar)
                                      : nullptr);
                        });
}

void ProblemSource::generateAsked(const GeneratorOptions &options) {
    // Files the user opened are not replaced without a word: ask first (without blocking the window).
    if (!loadedFiles().isEmpty()) {
        auto *box = new QMessageBox(QMessageBox::Question, tr("Replace the loaded files?"),
                                    tr("The problem in use was read from %1. Generate a new problem in its "
                                       "place?")
                                        .arg(loadedFiles().join(QStringLiteral(", "))),
                                    QMessageBox::Yes | QMessageBox::Cancel, m_parts.window);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::accepted, this, [this, options] { generate(options); });
        box->open();
        return;
    }
    generate(options);
}

void ProblemSource::randomizeGamma(quint64 seed) {
    const auto problem = m_parts.controller->problem();
    if (!problem)
        return;
    m_sources[int(MatrixRole::Gamma)].clear(); // γ no longer comes from its file
    m_gammaSeed = seed;                        // R and P stay the recipe's or the files', and so does γ*
    m_parts.controller->setGamma(generateGamma(problem->gamma.rows(), problem->gamma.cols(), seed));
    showSource(*m_parts.controller->problem());
}

void ProblemSource::adopt(const Problem &problem, const QStringList &files,
                          const std::optional<GeneratorOptions> &recipe,
                          std::shared_ptr<const Eigen::MatrixXd> gammaStar) {
    for (int k = 0; k < 3; ++k)
        m_sources[k] = files.value(k);
    m_recipe = recipe;
    m_gammaSeed.reset();
    use(problem, std::move(gammaStar));
}

void ProblemSource::use(const Problem &problem, std::shared_ptr<const Eigen::MatrixXd> gammaStar) {
    m_parts.controller->setProblem(problem, std::move(gammaStar));
    showSource(problem);
}

std::optional<GeneratorOptions> ProblemSource::recipe() const {
    return m_recipe;
}

QStringList ProblemSource::loadedFiles() const {
    QStringList files;
    for (const QString &source : m_sources)
        if (!source.isEmpty())
            files << source;
    return files;
}

void ProblemSource::showSource(const Problem &problem) {
    QString source;
    if (m_recipe)
        source = tr("generated, seed %1").arg(m_recipe->seed);
    else if (loadedFiles().isEmpty())
        source = tr("given");
    else {
        QStringList parts;
        for (int k = 0; k < 3; ++k)
            parts << QStringLiteral("%1 %2").arg(roleName(MatrixRole(k)),
                                                 m_sources[k].isEmpty() ? tr("generated") : m_sources[k]);
        source = parts.join(QStringLiteral(", "));
    }
    if (m_gammaSeed)
        source += tr("; γ drawn anew (seed %1)").arg(*m_gammaSeed);
    m_parts.problemPanel->showProblem(problem.n(), problem.r(), source);
}

} // namespace gradlens
