#include "descentworker.h"

#include <Eigen/Eigenvalues>

#include "gradientcheck.h"
#include "planted.h"

#include <QMetaObject>
#include <QTimer>

#include <algorithm>
#include <chrono>

namespace gradlens {

namespace {

constexpr qint64 kChunkMilliseconds = 15;
constexpr qint64 kPublishMilliseconds = 33;              // about 30 snapshots a second
constexpr qint64 kPaceSliceMilliseconds = 40;            // a paced run looks at pause and speed this often
constexpr double kCheckpointBytes = 128.0 * 1024 * 1024; // the history's states (γ and optimizer), at most

} // namespace

DescentWorker::DescentWorker() {
    m_sincePublish.start();
}

DescentWorker::~DescentWorker() = default;

void DescentWorker::setProblem(std::shared_ptr<const Problem> problem, quint64 generation,
                               std::shared_ptr<const Eigen::MatrixXd> gammaStar, bool sameWeights) {
    m_gammaStar = std::move(gammaStar);
    endChain();
    if (problem != m_problem)
        m_program.reset(); // its R and P were another problem's (a reset keeps them)
    m_problem = std::move(problem);
    m_generation = generation;
    m_stepsLeft = 0;
    if (const QString error = withUserGradient(m_options); !error.isEmpty())
        emit failed(error);
    std::shared_ptr<const PairedLayout> layout = sameWeights && m_run ? m_run->sharedLayout() : nullptr;
    m_run.reset(); // before the new run builds a layout: the two would not fit in memory together at large n
    m_run = std::make_unique<DescentRun>(*m_problem, m_options, std::move(layout));
    m_checkpoints = {m_run->state()};
    m_optionLog = {{0, m_run->options()}};
    m_optionsLogged = true;
    m_checkpointEvery = 16;
    m_furthest = 0;
    m_publishedIteration = -1;
    m_newDeviations.clear();
    m_newFactorPoints.clear();
    noteFactor();
    m_stepSeconds = 0;
    m_stepsTimed = 0;
    forgetCheck();
    m_message = m_run->blocked() ? QString::fromStdString(m_run->message()) : QString();
    m_diverged = m_run->blocked() == Termination::Diverged;
    if (m_check.everyIterations > 0 && !m_run->blocked())
        check(m_stopEpoch.load());
    publish(false);
    emit commandFinished();
}

QString DescentWorker::withUserGradient(DescentOptions &options) {
    options.gradientSource = nullptr;
    options.gradientSourceName.clear();
    if (!m_user.isSet() || !m_problem)
        return {};
    options.gradientSourceName = m_user.label.toStdString();
    if (m_user.fromFile) {
        const Eigen::MatrixXd gradient = *m_user.fromFile, at = m_fileGamma;
        options.gradientSource = [gradient, at](const Eigen::MatrixXd &gamma, Eigen::MatrixXd &out) {
            if (gamma.rows() != at.rows() || gamma.cols() != at.cols() || gamma != at)
                return Status::failure("a gradient read from a file holds only at the γ it was computed at: "
                                       "to descend, choose a formula or a program");
            out = gradient;
            return Status::success();
        };
        return {};
    }
    if (!m_program) {
        if (const Status started =
                GradientProgram::start(*m_user.program, m_problem->R, m_problem->P, m_program);
            !started) {
            options.gradientSource = [message = started.message](const Eigen::MatrixXd &, Eigen::MatrixXd &) {
                return Status::failure(message);
            };
            return QString::fromStdString(started.message);
        }
    }
    // A run of the program is cancelled when the GUI stops the run (Pause, Reset, a new problem).
    options.gradientSource = [this](const Eigen::MatrixXd &gamma, Eigen::MatrixXd &out) {
        const quint64 epoch = m_stopEpoch.load();
        return m_program->gradient(gamma, out, [this, epoch] { return m_stopEpoch.load() != epoch; });
    };
    return {};
}

void DescentWorker::setUserGradient(const UserGradient &gradient) {
    endChain();
    m_user = gradient;
    m_program.reset();
    // The last check judged another gradient: it must not stand for this one (it said "consistent" beside a
    // program that had failed).
    forgetCheck();
    if (m_run)
        m_fileGamma = m_run->gamma();
    DescentOptions options = m_options;
    if (const QString error = withUserGradient(options); !error.isEmpty())
        emit failed(error);
    m_options = options;
    if (m_run) {
        if (const Status status = m_run->setOptions(options); !status)
            m_message = QString::fromStdString(status.message);
        m_optionsLogged = false;
        if (m_check.everyIterations > 0 && !m_run->blocked())
            check(m_stopEpoch.load()); // the user's gradient against the numerical one, at once
        publish(false);
    }
    emit commandFinished();
}

void DescentWorker::setDescentOptions(const DescentOptions &given) {
    DescentOptions options = given;
    withUserGradient(options);
    if (m_run) {
        if (const Status status = m_run->setOptions(options); !status) {
            emit failed(QString::fromStdString(status.message));
            emit commandFinished();
            return;
        }
        m_optionsLogged = false;
    }
    const bool changedWhatIsShown = options.convention != m_options.convention ||
                                    (options.variant != m_options.variant && !m_user.isSet());
    m_options = options;
    if (changedWhatIsShown && m_run && !m_running) {
        if (m_run->iteration() == 0) { // the run recorded its start anew (DescentRun::setOptions): redraw it
            m_rewoundTo = 0;
            m_publishedIteration = -1;
        }
        if (m_check.everyIterations > 0 && !m_run->blocked())
            check(m_stopEpoch.load()); // the deviation of the new formula, not the old one's
        publish(false);
    }
    emit commandFinished();
}

void DescentWorker::setCheckSettings(const CheckSettings &settings) {
    m_check = settings;
    emit commandFinished();
}

void DescentWorker::endChain() {
    if (!m_running)
        return;
    m_running = false;
    ++m_chain; // its queued continuation, if any, now does nothing
    emit commandFinished();
}

void DescentWorker::forgetCheck() {
    m_deviation.reset();
    m_numeric.reset();
    m_deviationIteration = -1;
    m_lastDeviation = {};
    m_guardExplanation.clear();
}

void DescentWorker::keepCheckpoint() {
    const int iteration = m_run->iteration();
    if (iteration <= m_furthest) { // a step from a rewound iteration: a new branch, the old future goes
        while (!m_checkpoints.empty() && m_checkpoints.back().iteration >= iteration)
            m_checkpoints.pop_back();
    }
    m_furthest = iteration;
    if (iteration % m_checkpointEvery != 0)
        return;
    m_checkpoints.push_back(m_run->state());
    // Each state's own size: an L-BFGS state holds its correction pairs, about 2m + 1 times γ.
    std::size_t bytes = 0;
    for (const DescentRun::State &state : m_checkpoints)
        bytes += state.bytes();
    if (double(bytes) > kCheckpointBytes && m_checkpoints.size() > 4) {
        m_checkpointEvery *= 2;
        std::erase_if(m_checkpoints, [this](const DescentRun::State &state) {
            return state.iteration % m_checkpointEvery != 0;
        });
    }
}

void DescentWorker::noteFactor() {
    const Eigen::MatrixXd &gamma = m_run->gamma();
    if (gamma.size() == 0)
        return;
    FactorPoint point;
    point.iteration = m_run->iteration();
    // From the r×r Gram matrix (O(nr²), small beside a step's O(n²r)): its eigenvalues are σ².
    const Eigen::VectorXd squares =
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(gamma.transpose() * gamma, Eigen::EigenvaluesOnly)
            .eigenvalues();
    point.largestSingularValue = std::sqrt(std::max(squares.maxCoeff(), 0.0));
    point.smallestSingularValue = std::sqrt(std::max(squares.minCoeff(), 0.0));
    if (m_gammaStar && m_gammaStar->rows() == gamma.rows() && m_gammaStar->cols() == gamma.cols())
        point.plantedDistance = distanceToPlanted(gamma, *m_gammaStar);
    m_newFactorPoints.push_back(point);
    m_lastFactor = point;
}

void DescentWorker::logOptions() {
    const int iteration = m_run->iteration();
    if (iteration < m_furthest) // a new branch: the old one's later changes are not its history
        std::erase_if(m_optionLog,
                      [iteration](const OptionsChange &change) { return change.iteration > iteration; });
    if (!std::exchange(m_optionsLogged, true))
        m_optionLog.push_back({iteration, m_run->options()});
}

void DescentWorker::goToIteration(int k, quint64 epoch) {
    endChain();
    if (!m_run || epoch != m_stopEpoch.load() || m_checkpoints.empty()) {
        emit commandFinished();
        return;
    }
    k = std::clamp(k, 0, m_furthest);
    auto from = std::upper_bound(
        m_checkpoints.begin(), m_checkpoints.end(), k,
        [](int iteration, const DescentRun::State &state) { return iteration < state.iteration; });
    const DescentRun::State &checkpoint = *std::prev(from);
    // Replayed without checks and without new checkpoints, each step with the options it was first taken
    // with (changes made at the checkpoint's iteration come after it): this is the first pass again.
    auto change = m_optionLog.begin();
    const DescentOptions *before = &change->options;
    for (; change != m_optionLog.end() && change->iteration < checkpoint.iteration; ++change)
        before = &change->options;
    m_run->setOptions(*before);
    m_run->restore(checkpoint);
    while (m_run->iteration() < k) {
        for (; change != m_optionLog.end() && change->iteration == m_run->iteration(); ++change)
            m_run->setOptions(change->options);
        if (m_run->step())
            break;
    }
    // A step from here is taken with the options chosen now, if they differ from the ones in effect here.
    if (change != m_optionLog.end() || !m_optionsLogged) {
        m_run->setOptions(m_options);
        m_optionsLogged = false;
    }
    m_rewoundTo = m_run->iteration();
    m_lastFactor.reset();                     // it was of another γ
    m_publishedIteration = -1;                // the charts take the whole history up to here again
    if (m_deviationIteration > m_rewoundTo) { // a check from the future would be shown as this one's
        forgetCheck();
        if (m_check.everyIterations > 0 && !m_run->blocked())
            check(epoch);
    }
    m_message = m_run->blocked() ? QString::fromStdString(m_run->message()) : QString();
    m_diverged = m_run->blocked() == Termination::Diverged;
    publish(false);
    emit commandFinished();
}

void DescentWorker::step(int count, quint64 epoch) {
    endChain();
    if (!m_run || epoch != m_stopEpoch.load()) {
        emit commandFinished(); // stopped before it began
        return;
    }
    m_runEpoch = epoch;
    m_stepsLeft = count;
    m_running = true;
    m_message.clear();
    continueRun(m_chain);
}

void DescentWorker::run(quint64 epoch) {
    const int left = m_run ? m_options.maxIterations - m_run->iteration() : 0;
    if (m_run && left <= 0) {
        endChain();
        m_message =
            tr("The iteration limit of %1 is reached: raise it to go on.").arg(m_options.maxIterations);
        publish(false);
        emit commandFinished();
        return;
    }
    step(left, epoch);
}

void DescentWorker::checkNow(quint64 epoch) {
    if (m_run && epoch == m_stopEpoch.load()) {
        check(epoch);
        publish(m_running);
    }
    emit commandFinished();
}

void DescentWorker::continueRun(quint64 chain) {
    if (!m_running || chain != m_chain)
        return;
    const int pace = m_stepsPerSecond.load();
    // A paced run waits for its next tick in short slices, so that a pause or a change of speed is
    // seen within kPaceSliceMilliseconds.
    if (pace > 0 && m_runEpoch == m_stopEpoch.load() && m_sinceStep.isValid() &&
        m_sinceStep.elapsed() < 1000 / pace) {
        const qint64 wait = std::min<qint64>(1000 / pace - m_sinceStep.elapsed(), kPaceSliceMilliseconds);
        QTimer::singleShot(int(wait), this, [this, chain] { continueRun(chain); });
        return;
    }
    QElapsedTimer chunk;
    chunk.start();
    // A chunk also ends when a snapshot is due, so that snapshots keep their ~30 a second; a paced run's
    // chunk is one step, and every step is published.
    while (m_stepsLeft > 0 && m_runEpoch == m_stopEpoch.load() && chunk.elapsed() < kChunkMilliseconds &&
           m_sincePublish.elapsed() < kPublishMilliseconds) {
        logOptions();
        const auto start = std::chrono::steady_clock::now();
        const std::optional<Termination> blocked = m_run->step();
        if (blocked) {
            m_message = QString::fromStdString(m_run->message());
            m_diverged = blocked == Termination::Diverged;
            m_stepsLeft = 0;
            break;
        }
        m_stepSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        ++m_stepsTimed;
        --m_stepsLeft;
        m_sinceStep.start();
        keepCheckpoint();
        noteFactor();
        if (m_check.everyIterations > 0 && m_run->iteration() % m_check.everyIterations == 0) {
            if (!check(m_runEpoch))
                break;
            if (m_check.pauseOnFailure && m_lastDeviation.failed) {
                m_message = tr("Paused: the check at iteration %1 failed (max relative deviation %2, Taylor "
                               "slope %3). The gradient formula looks wrong.")
                                .arg(m_run->iteration())
                                .arg(m_lastDeviation.maxRelative, 0, 'g', 3)
                                .arg(m_lastDeviation.taylorSlope, 0, 'f', 2);
                m_stepsLeft = 0;
                break;
            }
        }
        if (pace > 0)
            break;
    }
    const bool more = m_running && m_stepsLeft > 0 && m_runEpoch == m_stopEpoch.load();
    if (!more || pace > 0 || m_sincePublish.elapsed() >= kPublishMilliseconds)
        publish(more);
    if (more)
        QMetaObject::invokeMethod(
            this, [this, chain] { continueRun(chain); }, Qt::QueuedConnection);
    else {
        m_running = true; // so that endChain reports the end of this command
        endChain();
    }
}

bool DescentWorker::check(quint64 epoch) {
    const ProblemView current{m_problem->R, m_problem->P, m_run->gamma()};
    GradientCheckOptions options;
    options.method = m_check.method;
    options.step = m_check.step;
    options.convention = m_options.convention;
    options.pairedLayout = m_run->pairedLayout();
    options.fingerprint = false; // computed below, only when the check fails
    QElapsedTimer timer;
    timer.start();
    qint64 lastReport = 0;
    options.progress = [&](double fraction) {
        if (timer.elapsed() - lastReport > 100) { // long checks report progress about ten times a second
            lastReport = timer.elapsed();
            emit progress(tr("Numerical gradient"), fraction);
        }
        return epoch == m_stopEpoch.load();
    };
    // The run's gradient (the selected formula) is the candidate: the one check of the core judges it.
    const GradientCheck result = checkGradient(current, m_run->current().gradient, options);
    if (timer.elapsed() > 100)
        emit progress(QString(), 1.0);
    if (result.cancelled) {
        m_message = tr("The gradient check was cancelled.");
        return false;
    }
    m_deviation = std::make_shared<const Eigen::MatrixXd>(relativeDeviation(result));
    m_deviationThreshold = result.threshold;
    m_numeric = std::make_shared<const Eigen::MatrixXd>(result.numeric);
    m_deviationIteration = m_run->iteration();
    const bool failed = result.verdict == CheckVerdict::Inconsistent;
    QString explanation = QString::fromStdString(result.explanation);
    if (failed)
        explanation +=
            QStringLiteral(". ") +
            QString::fromStdString(
                fingerprintGradient(current, m_run->current().gradient, m_options.convention).explanation);
    m_lastDeviation = {m_run->iteration(),
                       result.deviation.maxAbsolute,
                       result.maxRelativeDeviation,
                       result.precision.informative,
                       result.taylor.slope,
                       failed,
                       QString::fromStdString(std::string(checkVerdictName(result.verdict))),
                       explanation};
    m_guardExplanation =
        result.precision.informative ? QString() : QString::fromStdString(result.precision.explanation);
    m_newDeviations.push_back(m_lastDeviation);
    return true;
}

void DescentWorker::publish(bool running) {
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->generation = m_generation;
    snapshot->gradientSource = m_user.label;
    snapshot->gradientFailed = m_run && m_run->blocked() == Termination::GradientFailed;
    snapshot->furthestIteration = m_furthest;
    snapshot->rewoundTo = std::exchange(m_rewoundTo, -1);
    snapshot->problem = m_problem;
    snapshot->convention = m_options.convention;
    snapshot->running = running;
    snapshot->message = m_message;
    snapshot->diverged = m_diverged;
    snapshot->symmetricProblem = m_run && m_run->symmetricProblem();
    snapshot->variant = m_options.variant;
    snapshot->learningRate = m_options.learningRate;
    if (m_run) {
        snapshot->gamma = m_run->gamma();
        snapshot->gradient = m_run->current().gradient;
        snapshot->iteration = m_run->iteration();
        snapshot->gammaStar = m_gammaStar;
        if (m_lastFactor && m_lastFactor->iteration == snapshot->iteration)
            snapshot->plantedDistance = m_lastFactor->plantedDistance; // computed after the step already
        else if (m_gammaStar && m_gammaStar->rows() == snapshot->gamma.rows() &&
                 m_gammaStar->cols() == snapshot->gamma.cols())
            snapshot->plantedDistance = distanceToPlanted(snapshot->gamma, *m_gammaStar);
        snapshot->loss = m_run->current().loss;
        snapshot->gradientNorm = m_run->gradientNorm();
        snapshot->lastStep = m_run->history().empty() ? 0.0 : m_run->history().back().step;
        if (m_run->blocked() != Termination::InvalidInput) {
            EvaluationOptions options;
            options.wantGradient = false;
            options.wantResidual = true;
            options.convention = m_options.convention;
            snapshot->residual = std::make_shared<const Eigen::MatrixXd>(
                evaluate(m_problem->R, m_problem->P, m_run->gamma(), options).residual);
        }
        // The records after the last one published (by iteration: the run thins its history when long).
        const auto &history = m_run->history();
        auto first = history.end();
        while (first != history.begin() && std::prev(first)->iteration > m_publishedIteration)
            --first;
        snapshot->newRecords.assign(first, history.end());
        if (!history.empty()) {
            m_publishedIteration = history.back().iteration;
            snapshot->functionEvaluations = history.back().functionEvaluations;
            snapshot->gradientEvaluations = history.back().gradientEvaluations;
        }
    }
    snapshot->newDeviations = std::move(m_newDeviations);
    m_newDeviations.clear();
    snapshot->newFactorPoints = std::move(m_newFactorPoints);
    m_newFactorPoints.clear();
    snapshot->deviation = m_deviation;
    snapshot->deviationThreshold = m_deviationThreshold;
    snapshot->numeric = m_numeric;
    snapshot->deviationIteration = m_deviationIteration;
    snapshot->lastDeviation = m_lastDeviation;
    snapshot->guardExplanation = m_guardExplanation;
    snapshot->secondsPerStep = m_stepsTimed > 0 ? m_stepSeconds / m_stepsTimed : 0.0;
    m_stepSeconds = 0;
    m_stepsTimed = 0;
    m_sincePublish.restart();
    emit snapshotReady(std::move(snapshot));
}

} // namespace gradlens
