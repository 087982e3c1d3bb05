#pragma once

#include "backgroundjob.h"
#include "generators.h"
#include "problemloader.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

class QWidget;

namespace gradlens {

class DescentController;
class MessageBar;
class ProblemPanel;
class StatusPanel;

// Where the problem in use comes from: generated (with its recipe) or read from files, matrix by matrix.
// It generates on a pool thread (the latest Generate wins), asks before replacing loaded files, draws a new
// γ, hands each new problem to the controller and keeps the Problem panel saying what is in use.
class ProblemSource : public QObject {
    Q_OBJECT
public:
    struct Parts {
        QWidget *window; // parent of the question asked before replacing files
        DescentController *controller;
        ProblemPanel *problemPanel;
        MessageBar *messages;
        StatusPanel *status;
    };
    explicit ProblemSource(const Parts &parts, QObject *parent = nullptr);

    ProblemLoader *loader() const { return m_loader; }
    void generate(const GeneratorOptions &options);
    void generateAsked(const GeneratorOptions &options); // asks first when files are in use
    void randomizeGamma(quint64 seed);
    // Adopts a problem whose matrices came from elsewhere (a session): files names where each came from
    // (or empty), recipe when it was generated, gammaStar its planted γ* when it has one.
    void adopt(const Problem &problem, const QStringList &files,
               const std::optional<GeneratorOptions> &recipe,
               std::shared_ptr<const Eigen::MatrixXd> gammaStar = {});
    // The generator's options of R and P (and γ*) when they were generated; γ may have been drawn anew
    // since (a session stores γ₀ beside the recipe).
    std::optional<GeneratorOptions> recipe() const;
    QStringList loadedFiles() const;
    bool isBusy() const { return m_generator.isBusy() || m_loader->isBusy(); }

private:
    void use(const Problem &problem, std::shared_ptr<const Eigen::MatrixXd> gammaStar); // to the controller
    void showSource(const Problem &problem);

    Parts m_parts;
    ProblemLoader *m_loader;
    BackgroundJob m_generator;
    QString m_sources[3];                     // the file R, P and γ came from, or empty when generated
    std::optional<GeneratorOptions> m_recipe; // of R and P (and γ unless drawn anew)
    std::optional<quint64> m_gammaSeed;       // Randomize γ's seed, since the problem was adopted
};

} // namespace gradlens
