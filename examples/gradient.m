% A gradient program for Gradient Lens, in GNU Octave (or MATLAB), with the csv exchange format:
%
%   gradlens-cli check --R R.mtx --P P.mtx --gamma gamma.mtx \
%       --gradient-format csv --gradient-cmd "octave --no-gui --quiet gradient.m"
%
% Octave runs the script with four paths appended: R.csv P.csv gamma.csv out.csv. It writes
% ∂f/∂γ = 2 (P∘M + Pᵀ∘Mᵀ) γ with M = P∘(γγᵀ) − R, for f(γ) = ‖R − P∘(γγᵀ)‖²_F.
% gradient_buggy.m is the same with a mistake, for teaching.
args = argv();
args = args(end-3:end); % Octave lists its own options first
R = dlmread(args{1}, ',');
P = dlmread(args{2}, ',');
gamma = dlmread(args{3}, ',');
M = P .* (gamma * gamma') - R;
G = 2 * (P .* M + (P .* M)') * gamma;
dlmwrite(args{4}, G, 'delimiter', ',', 'precision', 17);
