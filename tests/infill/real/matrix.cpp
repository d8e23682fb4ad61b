#include <stdexcept>
#include <vector>

namespace linalg {

class Matrix {
public:
    Matrix(size_t rows, size_t cols) : rows_(rows), cols_(cols), data_(rows * cols, 0.0) {}

    double& at(size_t r, size_t c) {
        if (r >= rows_ || c >= cols_) {
            throw std::out_of_range("index out of range");
        }
        return data_[r * cols_ + c];
    }

    Matrix multiply(Matrix& other) {
        Matrix out(rows_, other.cols_);
        for (size_t i = 0; i < rows_; ++i) {
            for (size_t j = 0; j < other.cols_; ++j) {
                double sum = 0.0;
                for (size_t k = 0; k < cols_; ++k) {
                    sum += at(i, k) * other.at(k, j);
                }
                out.at(i, j) = sum;
            }
        }
        return out;
    }

private:
    size_t rows_;
    size_t cols_;
    std::vector<double> data_;
};

}  // namespace linalg
